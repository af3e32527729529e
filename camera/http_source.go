package camera

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
)

// httpSource reads an HTTP multipart/x-mixed-replace MJPEG stream, the format
// of IP cameras, mjpg-streamer and motion. A part's Content-Length is used when
// present; without one the part's JPEG is delimited by its own markers.
type httpSource struct {
	url      string
	body     io.ReadCloser
	cancel   context.CancelFunc
	in       *streamReader
	split    *MJPEGSplitter
	delim    []byte // "--" + boundary
	bare     []byte // the boundary alone, which some servers use as the line
	ring     *frameRing
	max      int
	finished bool
}

const maxPartHeaderLines = 64

func openHTTP(url string, opts Options) (*httpSource, error) {
	client := opts.HTTPClient
	if client == nil {
		client = &http.Client{Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 15 * time.Second,
		}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("camera: %s: %w", url, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("camera: %w", err)
	}
	fail := func(format string, args ...any) (*httpSource, error) {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("camera: %s: "+format, append([]any{url}, args...)...)
	}
	if resp.StatusCode != http.StatusOK {
		return fail("HTTP status %s", resp.Status)
	}
	ct := resp.Header.Get("Content-Type")
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.HasPrefix(mediaType, "multipart/") {
		return fail("Content-Type %q is not multipart/x-mixed-replace", ct)
	}
	boundary := strings.TrimPrefix(params["boundary"], "--")
	if boundary == "" {
		return fail("Content-Type %q has no boundary", ct)
	}
	in := newStreamReader(resp.Body)
	return &httpSource{
		url:    url,
		body:   resp.Body,
		cancel: cancel,
		in:     in,
		split:  newSplitterOn(in, opts.MaxFrameBytes),
		delim:  []byte("--" + boundary),
		bare:   []byte(boundary),
		ring:   newFrameRing(opts.buffers()),
		max:    opts.maxFrame(),
	}, nil
}

func (s *httpSource) Read(ctx context.Context) (*Frame, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := s.ring.take(ctx)
	if err != nil {
		return nil, err
	}
	for {
		var ok bool
		ok, err = s.readPart(f)
		if err != nil || ok {
			break
		}
	}
	if err != nil {
		s.ring.putBack(f)
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("camera: %s: %w", s.url, err)
	}
	f.Format = MJPEG
	f.Width, f.Height, _ = jpegSize(f.Data)
	s.ring.stamp(f, time.Now())
	return f, nil
}

// readPart reads one part into f; ok is false for a part without a JPEG.
func (s *httpSource) readPart(f *Frame) (ok bool, err error) {
	if s.finished {
		return false, io.EOF
	}
	if err := s.skipToBoundary(); err != nil {
		return false, err
	}
	length, err := s.readPartHeaders()
	if err != nil {
		return false, err
	}
	if length < 0 {
		f.Data, err = s.split.Next(f.Data)
		return err == nil, err
	}
	if length > int64(s.max) {
		return false, fmt.Errorf("part Content-Length %d: %w (%d bytes)", length, ErrFrameTooLarge, s.max)
	}
	f.Data, err = s.in.appendN(f.Data[:0], int(length))
	if err == io.EOF {
		return false, fmt.Errorf("part of %d bytes: %w", length, ErrTruncated)
	}
	if err != nil {
		return false, err
	}
	if len(f.Data) < 4 || f.Data[0] != 0xFF || f.Data[1] != 0xD8 {
		s.split.Corrupt++
		return false, nil
	}
	return true, nil
}

// skipToBoundary consumes lines up to a boundary line; the closing boundary
// ends the stream.
func (s *httpSource) skipToBoundary() error {
	for {
		line, err := s.in.readLine()
		if err == errBufferFull {
			s.in.lo = s.in.hi // not a boundary: drop the run and keep looking
			continue
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return io.EOF
			}
			return err
		}
		line = bytes.TrimRight(line, " \t")
		rest, found := bytes.CutPrefix(line, s.delim)
		if !found {
			rest, found = bytes.CutPrefix(line, s.bare)
		}
		if !found {
			continue
		}
		if len(rest) == 0 {
			return nil
		}
		if bytes.Equal(rest, []byte("--")) {
			s.finished = true
			return io.EOF
		}
	}
}

// readPartHeaders reads header lines to the blank line and returns the
// Content-Length, or -1 when there is none.
func (s *httpSource) readPartHeaders() (int64, error) {
	length := int64(-1)
	for n := 0; ; n++ {
		if n == maxPartHeaderLines {
			return 0, fmt.Errorf("more than %d header lines in a part", maxPartHeaderLines)
		}
		line, err := s.in.readLine()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return 0, fmt.Errorf("part headers: %w", ErrTruncated)
		}
		if err != nil {
			return 0, fmt.Errorf("part headers: %w", err)
		}
		if len(line) == 0 {
			return length, nil
		}
		name, value, found := bytes.Cut(line, []byte{':'})
		if !found {
			return 0, fmt.Errorf("malformed part header line %q", truncateForError(line))
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Length")):
			v, ok := parseDecimal(value)
			if !ok {
				return 0, fmt.Errorf("part Content-Length %q is not a number", truncateForError(value))
			}
			length = v
		case bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Type")):
			if !isJPEGType(value) {
				return 0, fmt.Errorf("part Content-Type %q, want image/jpeg", truncateForError(value))
			}
		}
	}
}

func isJPEGType(v []byte) bool {
	if i := bytes.IndexByte(v, ';'); i >= 0 {
		v = bytes.TrimSpace(v[:i])
	}
	return bytes.EqualFold(v, []byte("image/jpeg")) || bytes.EqualFold(v, []byte("image/jpg")) ||
		bytes.EqualFold(v, []byte("image/pjpeg"))
}

// parseDecimal parses a non-negative decimal without allocating; more than
// 18 digits is refused rather than overflowing.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

func truncateForError(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}

func (s *httpSource) Close() error {
	s.cancel()
	return s.body.Close()
}

func (s *httpSource) Describe() string { return "MJPEG over HTTP from " + s.url }
