package camera

import (
	"fmt"
	"strings"
)

// SpecForms lists the source specs Open accepts.
const SpecForms = `v4l2:/dev/videoN (a V4L2 camera), mjpeg:- (MJPEG on standard input), ` +
	`mjpeg:FILE (an MJPEG file), http://[USER:PASSWORD@]HOST/PATH or https://... (an MJPEG camera), ` +
	`dir:PATH (the .jpg/.jpeg/.png images of a folder in name order, or one image file), ` +
	`testsrc:WxH (scrolling YUYV colour bars, no camera needed), ` +
	`or a bare path to one .jpg/.jpeg/.png image`

// Open parses a source spec (see SpecForms) and opens the source. With
// opts.FPS > 0, files and folders are paced to that rate and stdin and HTTP
// streams drop frames above it; a V4L2 device is asked for the rate instead.
//
// A live source (V4L2, HTTP, testsrc:) never ends: it re-connects after a
// failure or a stall and implements StatusReporter (see the package doc).
// Open fails for a malformed spec, and for a camera that can never work (a
// refused password, a device that is not a camera), but not for one that is
// merely unreachable now. Finite sources (files, dir:, mjpeg:-) end with io.EOF.
func Open(spec string, opts Options) (Source, error) {
	scheme, rest, hasScheme := strings.Cut(spec, ":")
	if !hasScheme || strings.ContainsAny(scheme, `/\.`) {
		if spec != "" && isImageName(spec) {
			return paced(openDir(spec, opts))(opts, Pace)
		}
		return nil, badSpec(spec, "no recognised scheme")
	}
	switch strings.ToLower(scheme) {
	case "v4l2":
		if rest == "" {
			return nil, badSpec(spec, "v4l2: needs a device path")
		}
		return asSource(openV4L2With(rest, opts, openWebcam))
	case "mjpeg":
		if rest == "" {
			return nil, badSpec(spec, "mjpeg: needs - or a file path")
		}
		policy := Pace
		if rest == "-" {
			policy = Drop
		}
		return paced(openMJPEGFile(rest, opts))(opts, policy)
	case "http", "https":
		return asSource(openHTTP(spec, opts))
	case "testsrc":
		return asSource(openPattern(rest, opts))
	case "dir":
		if rest == "" {
			return nil, badSpec(spec, "dir: needs a folder or image path")
		}
		return paced(openDir(rest, opts))(opts, Pace)
	}
	return nil, badSpec(spec, fmt.Sprintf("unknown scheme %q", scheme))
}

func badSpec(spec, why string) error {
	return fmt.Errorf("camera: bad source %q (%s); accepted forms: %s", spec, why, SpecForms)
}

// paced wraps an opened source in a rate limiter when opts.FPS asks for one.
func paced[S Source](src S, err error) func(Options, RatePolicy) (Source, error) {
	return func(opts Options, policy RatePolicy) (Source, error) {
		if err != nil {
			return nil, err
		}
		if opts.FPS > 0 {
			return LimitRate(src, opts.FPS, policy), nil
		}
		return src, nil
	}
}

// asSource returns a live source as a Source, and no typed nil on error.
func asSource(s *liveSource, err error) (Source, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}
