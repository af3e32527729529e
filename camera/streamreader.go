package camera

import (
	"bytes"
	"errors"
	"io"
)

// streamReader is a small buffered reader with the few primitives the MJPEG
// and multipart parsers need: scanning the buffered bytes in place and
// appending runs of them to a frame, without a per-call allocation.
type streamReader struct {
	r      io.Reader
	buf    []byte
	lo, hi int   // unread bytes are buf[lo:hi]
	base   int64 // stream offset of buf[0]
	err    error // sticky error from r
}

const streamBufferSize = 64 << 10

func newStreamReader(r io.Reader) *streamReader {
	return &streamReader{r: r, buf: make([]byte, streamBufferSize)}
}

// offset is the stream position of the next unread byte.
func (s *streamReader) offset() int64 { return s.base + int64(s.lo) }

// fill reads more bytes after the unread ones. It returns an error (io.EOF at
// the end of the stream) only when no new byte arrived.
func (s *streamReader) fill() error {
	if s.err != nil {
		return s.err
	}
	if s.lo > 0 {
		copy(s.buf, s.buf[s.lo:s.hi])
		s.base += int64(s.lo)
		s.hi -= s.lo
		s.lo = 0
	}
	if s.hi == len(s.buf) {
		return errBufferFull
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[s.hi:])
		s.hi += n
		if err != nil {
			s.err = err
		}
		if n > 0 {
			return nil
		}
		if err != nil {
			return err
		}
	}
	s.err = io.ErrNoProgress
	return s.err
}

var errBufferFull = errors.New("line longer than the read buffer")

// readByte returns the next byte.
func (s *streamReader) readByte() (byte, error) {
	if s.lo == s.hi {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	c := s.buf[s.lo]
	s.lo++
	return c, nil
}

// peekByte returns the next byte without consuming it.
func (s *streamReader) peekByte() (byte, error) {
	if s.lo == s.hi {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	return s.buf[s.lo], nil
}

// appendN moves the next n bytes to dst.
func (s *streamReader) appendN(dst []byte, n int) ([]byte, error) {
	for n > 0 {
		if s.lo == s.hi {
			if err := s.fill(); err != nil {
				return dst, err
			}
		}
		k := min(n, s.hi-s.lo)
		dst = append(dst, s.buf[s.lo:s.lo+k]...)
		s.lo += k
		n -= k
	}
	return dst, nil
}

// discardN skips the next n bytes.
func (s *streamReader) discardN(n int) error {
	for n > 0 {
		if s.lo == s.hi {
			if err := s.fill(); err != nil {
				return err
			}
		}
		k := min(n, s.hi-s.lo)
		s.lo += k
		n -= k
	}
	return nil
}

// readLine returns the next line without its "\n" (and "\r"), as a slice of
// the buffer that is valid until the next call.
func (s *streamReader) readLine() ([]byte, error) {
	for {
		if i := bytes.IndexByte(s.buf[s.lo:s.hi], '\n'); i >= 0 {
			line := s.buf[s.lo : s.lo+i]
			s.lo += i + 1
			return bytes.TrimSuffix(line, []byte{'\r'}), nil
		}
		if err := s.fill(); err != nil {
			if err == io.EOF && s.lo < s.hi {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}
