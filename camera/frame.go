package camera

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// PixelFormat is the layout of a frame's Data.
type PixelFormat uint8

const (
	// MJPEG: one complete JPEG image (SOI .. EOI).
	MJPEG PixelFormat = iota + 1
	// YUYV: packed 4:2:2, bytes Y0 U Y1 V per pair of pixels; Width*Height*2 bytes.
	YUYV
	// NV12: planar Y (Width*Height), then interleaved UV at half width and
	// half height (rounded up).
	NV12
	// I420: planar Y, then U, then V, each chroma plane at half width and
	// half height (rounded up).
	I420
	// RGB24: packed R G B bytes, Width*Height*3.
	RGB24
)

// String names the format as the V4L2/FourCC world does.
func (p PixelFormat) String() string {
	switch p {
	case MJPEG:
		return "MJPEG"
	case YUYV:
		return "YUYV"
	case NV12:
		return "NV12"
	case I420:
		return "I420"
	case RGB24:
		return "RGB24"
	}
	return fmt.Sprintf("PixelFormat(%d)", uint8(p))
}

// Frame is one picture from a Source. Data belongs to the source's buffer
// ring: it stays valid, and unchanged, until Release is called; after that the
// source reuses the buffer for a later frame.
type Frame struct {
	Seq    uint64    // 0 for a source's first frame, then +1 per frame delivered
	Time   time.Time // when the frame was captured (or read, for files and streams)
	Format PixelFormat
	Width  int
	Height int
	Data   []byte

	ring *frameRing
	held atomic.Bool
}

// Release hands the frame's buffer back to its source. It is safe to call more
// than once and on a nil frame; only the first call has an effect.
func (f *Frame) Release() {
	if f == nil || f.ring == nil {
		return
	}
	if f.held.CompareAndSwap(true, false) {
		f.ring.free <- f
	}
}

// Source produces frames.
type Source interface {
	// Read returns the next frame, blocking until one is available. The caller
	// must Release it. io.EOF marks the clean end of a finite source. ctx is
	// checked while waiting for a free buffer and between frames; a Read
	// blocked on a stream's bytes (stdin, HTTP) or on a V4L2 poll (up to one
	// second) is ended by Close instead. Read is for one goroutine at a time.
	Read(ctx context.Context) (*Frame, error)
	// Close stops the source and frees its device or connection. Frames already
	// handed out stay valid until released.
	Close() error
	// Describe is a one-line human description (device, format, size).
	Describe() string
}
