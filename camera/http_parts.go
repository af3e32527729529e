package camera

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// The multipart body of an MJPEG stream: parts, each opened by a boundary
// line, with headers and a JPEG. A part's Content-Length is used when
// present; without one the JPEG is delimited by its own markers.

const (
	maxPartHeaderLines = 64
	maxPreambleLines   = 16
	maxBoundaryLen     = 100 // RFC 2046 allows 70; some cameras go further
)

// readPart reads one part into f; ok is false for a part without a JPEG.
func (l *httpLink) readPart(f *Frame) (ok bool, err error) {
	if l.finished {
		return false, io.EOF
	}
	if l.atPart {
		l.atPart = false
	} else if err := l.skipToBoundary(); err != nil {
		return false, err
	}
	length, err := readPartHeaders(l.in)
	if err != nil {
		return false, err
	}
	if length < 0 {
		f.Data, err = l.split.Next(f.Data)
		return err == nil, err
	}
	if length > int64(l.max) {
		return false, fmt.Errorf("part Content-Length %d: %w (%d bytes)", length, ErrFrameTooLarge, l.max)
	}
	f.Data, err = l.in.appendN(f.Data[:0], int(length))
	if err == io.EOF {
		return false, fmt.Errorf("part of %d bytes: %w", length, ErrTruncated)
	}
	if err != nil {
		return false, err
	}
	if len(f.Data) < 4 || f.Data[0] != 0xFF || f.Data[1] != 0xD8 {
		l.split.Corrupt++
		return false, nil
	}
	return true, nil
}

// skipToBoundary consumes lines up to a boundary line; the closing boundary
// ends the stream.
func (l *httpLink) skipToBoundary() error {
	in := l.in
	for {
		line, err := in.readLine()
		if err == errBufferFull {
			in.lo = in.hi // not a boundary: drop the run and keep looking
			continue
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return io.EOF
			}
			return err
		}
		line = bytes.TrimRight(line, " \t")
		rest, found := bytes.CutPrefix(line, l.delim)
		if !found {
			rest, found = bytes.CutPrefix(line, l.bare)
		}
		if !found {
			continue
		}
		if len(rest) == 0 {
			return nil
		}
		if bytes.Equal(rest, []byte("--")) {
			l.finished = true
			return io.EOF
		}
	}
}

// sniffBoundary reads the first boundary line ("--" and the boundary),
// passing over blank preamble lines, and returns the boundary.
func sniffBoundary(in *streamReader) (string, error) {
	for n := 0; n < maxPreambleLines; n++ {
		line, err := in.readLine()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return "", errors.New("the camera closed the connection before the first part")
		}
		if err == errBufferFull {
			break
		}
		if err != nil {
			return "", err
		}
		line = bytes.TrimRight(line, " \t")
		if b, ok := bytes.CutPrefix(line, []byte("--")); ok && len(b) > 0 && len(b) <= maxBoundaryLen &&
			bytes.IndexAny(b, " \t") < 0 {
			return string(b), nil
		}
	}
	return "", permanentError{errors.New("no boundary in the header and no --BOUNDARY line opening the body; not an MJPEG stream")}
}

// readPartHeaders reads header lines to the blank line and returns the
// Content-Length, or -1 when there is none.
func readPartHeaders(in *streamReader) (int64, error) {
	length := int64(-1)
	for n := 0; ; n++ {
		if n == maxPartHeaderLines {
			return 0, fmt.Errorf("more than %d header lines in a part", maxPartHeaderLines)
		}
		line, err := in.readLine()
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return 0, errors.New("the camera closed the connection inside a part's headers")
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
