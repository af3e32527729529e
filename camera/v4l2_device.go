package camera

import "errors"

// v4l2Device is the handful of github.com/blackjack/webcam calls the V4L2
// source makes, in this package's own types so that the source's logic builds
// on every platform and tests can put a fake device beneath it.
type v4l2Device interface {
	// Formats lists the FourCC pixel formats the device offers.
	Formats() []uint32
	// FrameSizes lists the sizes offered for a format (maybe none, when the
	// driver does not enumerate them).
	FrameSizes(fourcc uint32) []frameSize
	// SetFormat asks for a format and size and returns what the driver set.
	SetFormat(fourcc uint32, width, height uint32) (uint32, uint32, uint32, error)
	SetFramerate(fps float32) error
	SetBufferCount(n uint32) error
	StartStreaming() error
	// WaitForFrame waits up to timeoutSec seconds; errWaitTimeout when none came.
	WaitForFrame(timeoutSec uint32) error
	// GetFrame dequeues a filled buffer; it stays the device's until ReleaseFrame.
	GetFrame() ([]byte, uint32, error)
	ReleaseFrame(index uint32) error
	Close() error
}

// v4l2Opener opens the device at a path.
type v4l2Opener func(path string) (v4l2Device, error)

// errWaitTimeout is WaitForFrame's "no frame within the timeout".
var errWaitTimeout = errors.New("no frame within the wait timeout")

// frameSize is one entry of a device's size list: discrete when Min == Max,
// stepwise otherwise (a step of 0 in a range means 1).
type frameSize struct {
	MinWidth, MaxWidth, StepWidth    uint32
	MinHeight, MaxHeight, StepHeight uint32
}

// FourCC codes of the formats the V4L2 source can use.
const (
	fourccMJPEG = uint32('M') | uint32('J')<<8 | uint32('P')<<16 | uint32('G')<<24
	fourccYUYV  = uint32('Y') | uint32('U')<<8 | uint32('Y')<<16 | uint32('V')<<24
)

func fourccString(c uint32) string {
	b := [4]byte{byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)}
	for i, x := range b {
		if x < 0x20 || x > 0x7e {
			b[i] = '?'
		}
	}
	return string(b[:])
}
