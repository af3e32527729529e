package camera

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxFrameBytes caps one JPEG frame so a hostile or broken stream
// cannot make a source grow its buffers without bound.
const DefaultMaxFrameBytes = 32 << 20

// ErrFrameTooLarge is wrapped by the error returned for a frame over the cap.
var ErrFrameTooLarge = errors.New("frame exceeds the size cap")

// ErrTruncated is wrapped by the error returned when a stream ends inside a frame.
var ErrTruncated = errors.New("stream ended inside a JPEG frame")

// MJPEGSplitter cuts a byte stream of concatenated JPEG images into frames by
// following the JPEG marker structure: segments with a length field are
// skipped by that length (so an APPn or COM payload may hold FF D9 bytes), and
// the entropy-coded data after SOS is scanned for the next marker, passing over
// FF 00 stuffing, RSTn markers and FF fill bytes. Bytes outside SOI..EOI are
// skipped and counted; a frame whose marker structure breaks is dropped and
// counted, and the scan resumes at the next SOI.
type MJPEGSplitter struct {
	in  *streamReader
	max int

	// Skipped counts bytes outside any frame; Corrupt counts frames dropped
	// because their marker structure was broken.
	Skipped int64
	Corrupt int
}

// NewMJPEGSplitter reads r; maxFrame <= 0 means DefaultMaxFrameBytes.
func NewMJPEGSplitter(r io.Reader, maxFrame int) *MJPEGSplitter {
	return newSplitterOn(newStreamReader(r), maxFrame)
}

func newSplitterOn(in *streamReader, maxFrame int) *MJPEGSplitter {
	if maxFrame <= 0 {
		maxFrame = DefaultMaxFrameBytes
	}
	return &MJPEGSplitter{in: in, max: maxFrame}
}

// Next appends the next complete JPEG (SOI through EOI) to dst[:0] and returns
// it. It returns io.EOF when the stream ends between frames, an error wrapping
// ErrTruncated when it ends inside one, and an error wrapping ErrFrameTooLarge
// when a frame grows past the cap.
func (s *MJPEGSplitter) Next(dst []byte) ([]byte, error) {
	resync := true
	var start int64
	for {
		if resync {
			var err error
			if start, err = s.findSOI(); err != nil {
				return dst[:0], err
			}
		}
		frame := append(dst[:0], 0xFF, 0xD8)
		frame, status, err := s.readFrameBody(frame, start)
		if err != nil {
			return frame[:0], err
		}
		if status == frameDone {
			return frame, nil
		}
		s.Corrupt++
		dst = frame
		resync = status == frameBroken
		if !resync {
			start = s.in.offset() - 2 // the SOI just consumed opens the next frame
		}
	}
}

// frameStatus is how readFrameBody ended without a stream error.
type frameStatus uint8

const (
	frameDone    frameStatus = iota // EOI reached
	frameBroken                     // marker structure broken: resync at the next SOI
	frameRestart                    // an SOI appeared where a marker was due: a new frame starts
)

// findSOI consumes bytes up to and including the next FF D8 and returns the
// stream offset of that FF.
func (s *MJPEGSplitter) findSOI() (int64, error) {
	in := s.in
	for {
		i := bytes.IndexByte(in.buf[in.lo:in.hi], 0xFF)
		if i < 0 {
			s.Skipped += int64(in.hi - in.lo)
			in.lo = in.hi
			if err := in.fill(); err != nil {
				return 0, err
			}
			continue
		}
		s.Skipped += int64(i)
		in.lo += i
		if in.hi-in.lo < 2 {
			if err := in.fill(); err != nil {
				s.Skipped++
				in.lo = in.hi
				return 0, err
			}
			continue
		}
		if in.buf[in.lo+1] == 0xD8 {
			start := in.offset()
			in.lo += 2
			return start, nil
		}
		s.Skipped++
		in.lo++
	}
}

// readFrameBody parses markers after an SOI until EOI; err is set for the
// end of the stream and for the size cap.
func (s *MJPEGSplitter) readFrameBody(frame []byte, start int64) ([]byte, frameStatus, error) {
	in := s.in
	for {
		c, err := in.peekByte()
		if err != nil {
			return frame, frameBroken, s.endError(err, start, len(frame))
		}
		if c != 0xFF {
			return frame, frameBroken, nil // a segment must start with a marker
		}
		in.lo++
		m, err := s.skipFill()
		if err != nil {
			return frame, frameBroken, s.endError(err, start, len(frame))
		}
		switch {
		case m == 0xD8:
			return frame, frameRestart, nil
		case m == 0x00:
			return frame, frameBroken, nil
		case m == 0xD9:
			if frame, err = s.appendCapped(frame, start, 0xFF, 0xD9); err != nil {
				return frame, frameBroken, err
			}
			return frame, frameDone, nil
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7):
			if frame, err = s.appendCapped(frame, start, 0xFF, m); err != nil {
				return frame, frameBroken, err
			}
			continue
		}
		hi, err := in.readByte()
		if err != nil {
			return frame, frameBroken, s.endError(err, start, len(frame))
		}
		lo, err := in.readByte()
		if err != nil {
			return frame, frameBroken, s.endError(err, start, len(frame))
		}
		n := int(hi)<<8 | int(lo)
		if n < 2 {
			return frame, frameBroken, nil
		}
		if frame, err = s.appendCapped(frame, start, 0xFF, m, hi, lo); err != nil {
			return frame, frameBroken, err
		}
		if len(frame)+n-2 > s.max {
			return frame, frameBroken, s.tooLarge(start)
		}
		if frame, err = in.appendN(frame, n-2); err != nil {
			return frame, frameBroken, s.endError(err, start, len(frame))
		}
		if m == 0xDA {
			if frame, err = s.scanEntropy(frame, start); err != nil {
				return frame, frameBroken, err
			}
		}
	}
}

// skipFill consumes the marker code after an FF, passing over FF fill bytes.
func (s *MJPEGSplitter) skipFill() (byte, error) {
	for {
		m, err := s.in.readByte()
		if err != nil || m != 0xFF {
			return m, err
		}
	}
}

// scanEntropy appends entropy-coded bytes up to (not including) the next
// marker that is neither stuffing (FF 00) nor a restart (FF D0..D7).
func (s *MJPEGSplitter) scanEntropy(frame []byte, start int64) ([]byte, error) {
	in := s.in
	for {
		i := bytes.IndexByte(in.buf[in.lo:in.hi], 0xFF)
		if i < 0 {
			i = in.hi - in.lo
		}
		if len(frame)+i > s.max {
			return frame, s.tooLarge(start)
		}
		frame = append(frame, in.buf[in.lo:in.lo+i]...)
		in.lo += i
		if in.hi-in.lo < 2 {
			if err := in.fill(); err != nil {
				return frame, s.endError(err, start, len(frame)+in.hi-in.lo)
			}
			continue
		}
		next := in.buf[in.lo+1]
		if next == 0x00 || (next >= 0xD0 && next <= 0xD7) {
			if len(frame)+2 > s.max {
				return frame, s.tooLarge(start)
			}
			frame = append(frame, 0xFF, next)
			in.lo += 2
			continue
		}
		if next == 0xFF {
			in.lo++ // a fill byte before a marker
			continue
		}
		return frame, nil
	}
}

func (s *MJPEGSplitter) appendCapped(frame []byte, start int64, b ...byte) ([]byte, error) {
	if len(frame)+len(b) > s.max {
		return frame, s.tooLarge(start)
	}
	return append(frame, b...), nil
}

func (s *MJPEGSplitter) tooLarge(start int64) error {
	return fmt.Errorf("JPEG frame at byte offset %d: %w (%d bytes)", start, ErrFrameTooLarge, s.max)
}

// endError turns the end of the stream inside a frame into ErrTruncated and
// passes other read errors through.
func (s *MJPEGSplitter) endError(err error, start int64, have int) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("JPEG frame at byte offset %d: %w after %d bytes", start, ErrTruncated, have)
	}
	return err
}
