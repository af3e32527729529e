package camera

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
)

// OpenV4L2 opens a Video4Linux2 device such as /dev/video0 (see chooseFormat
// for the format rule) as a live source: when the device disappears, fails or
// stalls it is closed and re-opened with back-off, also when it is missing at
// start. A device that cannot be a camera (not a capture device, no MJPEG or
// YUYV, no permission) is an error at once. The source implements
// StatusReporter.
func OpenV4L2(path string, opts Options) (Source, error) {
	return asSource(openV4L2With(path, opts, openWebcam))
}

func openV4L2With(path string, opts Options, open v4l2Opener) (*liveSource, error) {
	return openLive(liveConfig{
		name:     "v4l2:" + path,
		describe: "V4L2 " + path,
		dial: func(context.Context) (link, error) {
			return dialV4L2(path, opts, open)
		},
	}, opts)
}

// v4l2Link is one opening of the device. Frames are copied out of the
// driver's mmap buffers, which go straight back to the driver, so a slow
// consumer never starves it.
type v4l2Link struct {
	path    string
	fps     float64
	mu      sync.Mutex // guards dev against close while next polls it
	dev     v4l2Device
	format  formatChoice // what the device delivers
	note    string       // e.g. that the frame rate could not be set
	broken  error        // the device failed after handing out a good frame
	aborted atomic.Bool
}

// dialV4L2 opens and configures the device and starts streaming. Failures
// that re-trying cannot cure are marked permanent.
func dialV4L2(path string, opts Options, open v4l2Opener) (*v4l2Link, error) {
	dev, err := open(path)
	if err != nil {
		if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
			err = fmt.Errorf("%w (is the user in the video group? sudo usermod -aG video $USER)", err)
		}
		if errors.Is(err, syscall.ENOTTY) || errors.Is(err, syscall.EINVAL) ||
			errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
			return nil, permanentError{err}
		}
		return nil, err
	}
	l := &v4l2Link{path: path, fps: opts.FPS, dev: dev}
	w, h := opts.size()
	choice, err := chooseFormat(dev.Formats(), dev.FrameSizes, w, h)
	if err == nil {
		l.format, l.note, err = l.configure(choice, opts.buffers())
	}
	if err != nil {
		dev.Close()
		return nil, permanentError{err}
	}
	return l, nil
}

// configure sets format, size, rate and buffers and starts streaming. It
// returns what the driver set and a note on what it refused.
func (l *v4l2Link) configure(choice formatChoice, buffers int) (formatChoice, string, error) {
	dev := l.dev
	code, w, h, err := dev.SetFormat(choice.fourcc, uint32(choice.width), uint32(choice.height))
	if err != nil {
		return formatChoice{}, "", fmt.Errorf("set format %s %dx%d: %w", fourccString(choice.fourcc), choice.width, choice.height, err)
	}
	if code != fourccMJPEG && code != fourccYUYV {
		return formatChoice{}, "", fmt.Errorf("asked for %s, the driver set %s", fourccString(choice.fourcc), fourccString(code))
	}
	if w == 0 || h == 0 || w > 1<<14 || h > 1<<14 {
		return formatChoice{}, "", fmt.Errorf("the driver set an unusable frame size %dx%d", w, h)
	}
	note := ""
	if l.fps > 0 {
		if err := dev.SetFramerate(float32(l.fps)); err != nil {
			note = fmt.Sprintf("; frame rate not set (%v)", err)
		}
	}
	if err := dev.SetBufferCount(uint32(buffers)); err != nil {
		return formatChoice{}, "", fmt.Errorf("set buffer count: %w", err)
	}
	if err := dev.StartStreaming(); err != nil {
		return formatChoice{}, "", fmt.Errorf("start streaming: %w", err)
	}
	return formatChoice{code, int(w), int(h)}, note, nil
}

// next polls a second at a time until a good frame comes; the stall
// watchdog aborts it when none comes for the stall timeout.
func (l *v4l2Link) next(f *Frame) error {
	if l.broken != nil {
		return l.broken
	}
	for {
		if l.aborted.Load() {
			return errLinkAborted
		}
		ok, err := l.capture(f)
		if ok {
			l.broken = err
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// capture waits up to a second for one frame and copies it into f. ok says f
// holds a frame; err says the device failed.
func (l *v4l2Link) capture(f *Frame) (ok bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dev == nil {
		return false, errLinkAborted
	}
	err = l.dev.WaitForFrame(1)
	switch {
	case err == errWaitTimeout || isRetryable(err):
		return false, nil
	case err != nil:
		return false, err
	}
	data, index, err := l.dev.GetFrame()
	if isRetryable(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if ok = l.accept(data); ok {
		f.Data = append(f.Data[:0], data...)
		f.Format, f.Width, f.Height = l.pixelFormat(), l.format.width, l.format.height
	}
	return ok, l.dev.ReleaseFrame(index)
}

// accept rejects frames a driver hands over damaged.
func (l *v4l2Link) accept(data []byte) bool {
	if l.format.fourcc == fourccYUYV {
		return len(data) >= l.format.width*l.format.height*2
	}
	return len(data) >= 4 && data[0] == 0xFF && data[1] == 0xD8
}

func (l *v4l2Link) pixelFormat() PixelFormat {
	if l.format.fourcc == fourccYUYV {
		return YUYV
	}
	return MJPEG
}

func isRetryable(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR)
}

func (l *v4l2Link) abort() { l.aborted.Store(true) }

// close stops streaming and closes the device, after the poll in progress.
func (l *v4l2Link) close() {
	l.aborted.Store(true)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dev != nil {
		l.dev.Close()
		l.dev = nil
	}
}

// describe names the device and what it delivers.
func (l *v4l2Link) describe() string {
	d := fmt.Sprintf("V4L2 %s: %s %dx%d", l.path, l.pixelFormat(), l.format.width, l.format.height)
	if l.fps > 0 {
		d += fmt.Sprintf(" at %g fps", l.fps)
	}
	return d + l.note
}
