package camera

import (
	"net/http"
	"time"
)

// Options tune a source; the zero value is usable.
type Options struct {
	// Width and Height are the frame size asked of a V4L2 device (0 means
	// 640x480). Other sources deliver their frames' own sizes.
	Width, Height int
	// FPS: for V4L2 the frame rate asked of the device; for files and folders
	// the playback pace; for stdin and HTTP an upper bound, frames arriving
	// faster are dropped. 0 means as fast as frames come, except for
	// testsrc:, which then runs at a camera-like DefaultTestFPS; a negative
	// FPS runs testsrc: unthrottled (for benchmarks).
	FPS float64
	// Buffers is the number of frames in the source's ring, and for V4L2 also
	// the number of driver (mmap) buffers. 0 means 4; at least 2 are used.
	Buffers int
	// Loop restarts MJPEG files and folders at their end instead of io.EOF.
	Loop bool
	// MaxFrameBytes caps one frame (0 means DefaultMaxFrameBytes).
	MaxFrameBytes int

	// OnEvent, if set, is called once per state change of a live source
	// (V4L2, HTTP): down, stalled, back. Calls come one at a time, in order,
	// from Open (a camera down at start) and then from the source's
	// goroutines (the reader's, the re-connecting one's or the stall
	// watchdog's); OnEvent should return quickly and may call the source's
	// Status but not Read or Close.
	OnEvent func(Event)
	// ReopenMin and ReopenMax bound the exponential back-off between
	// re-connection attempts of a live source (0 means 0.5 s and 30 s). The
	// wait doubles after each attempt and starts again from ReopenMin once a
	// frame arrives.
	ReopenMin, ReopenMax time.Duration
	// StallTimeout is how long a live source may deliver no frame, while
	// its reader waits for one, before it counts as down. 0 means the larger
	// of 3 s and 5 frame intervals at FPS.
	StallTimeout time.Duration

	// HTTPClient fetches http(s) sources; nil means a client with connect and
	// header timeouts but no overall timeout (the stream is endless).
	HTTPClient *http.Client
}

const (
	defaultWidth     = 640
	defaultHeight    = 480
	defaultBuffers   = 4
	defaultReopenMin = 500 * time.Millisecond
	defaultReopenMax = 30 * time.Second
	minStallTimeout  = 3 * time.Second
	stallFrames      = 5 // frame intervals without a frame that make a stall
)

// DefaultTestFPS is the rate of testsrc: when Options.FPS is 0.
const DefaultTestFPS = 30

func (o Options) buffers() int {
	switch {
	case o.Buffers == 0:
		return defaultBuffers
	case o.Buffers < 2:
		return 2
	}
	return o.Buffers
}

func (o Options) size() (int, int) {
	w, h := o.Width, o.Height
	if w <= 0 || h <= 0 {
		return defaultWidth, defaultHeight
	}
	return w, h
}

func (o Options) maxFrame() int {
	if o.MaxFrameBytes <= 0 {
		return DefaultMaxFrameBytes
	}
	return o.MaxFrameBytes
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// stallTimeout is StallTimeout or its default.
func (o Options) stallTimeout() time.Duration {
	if o.StallTimeout > 0 {
		return o.StallTimeout
	}
	if o.FPS > 0 {
		return max(minStallTimeout, time.Duration(stallFrames*float64(time.Second)/o.FPS))
	}
	return minStallTimeout
}

// backoff returns the re-connection wait bounds.
func (o Options) backoff() (lo, hi time.Duration) {
	lo = orDefault(o.ReopenMin, defaultReopenMin)
	hi = max(lo, orDefault(o.ReopenMax, defaultReopenMax))
	return lo, hi
}
