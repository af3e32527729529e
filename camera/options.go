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
	// faster are dropped. 0 means as fast as frames come.
	FPS float64
	// Buffers is the number of frames in the source's ring, and for V4L2 also
	// the number of driver (mmap) buffers. 0 means 4; at least 2 are used.
	Buffers int
	// Loop restarts MJPEG files and folders at their end instead of io.EOF.
	Loop bool
	// MaxFrameBytes caps one frame (0 means DefaultMaxFrameBytes).
	MaxFrameBytes int

	// OnEvent, if set, is called (on the reading goroutine) when a V4L2
	// device disappears, when a re-open attempt fails and when it comes back.
	OnEvent func(Event)
	// ReopenMin and ReopenMax bound the exponential back-off between V4L2
	// re-open attempts (0 means 100 ms and 5 s).
	ReopenMin, ReopenMax time.Duration
	// StallTimeout is how long a V4L2 device may deliver no frame before it
	// counts as gone (0 means 5 s).
	StallTimeout time.Duration

	// HTTPClient fetches http(s) sources; nil means a client with connect and
	// header timeouts but no overall timeout (the stream is endless).
	HTTPClient *http.Client
}

const (
	defaultWidth        = 640
	defaultHeight       = 480
	defaultBuffers      = 4
	defaultReopenMin    = 100 * time.Millisecond
	defaultReopenMax    = 5 * time.Second
	defaultStallTimeout = 5 * time.Second
)

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
