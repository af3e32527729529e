package camera

import (
	"context"
	"time"
)

// frameRing is a fixed set of frames recycled through a buffered channel:
// take blocks while every frame is held by a consumer, Release puts one back.
// Channel sends and receives of pointers do not allocate, and a frame's Data
// only grows, so a steady stream allocates nothing.
type frameRing struct {
	free chan *Frame
	seq  uint64
}

func newFrameRing(n int) *frameRing {
	if n < 1 {
		n = 1
	}
	r := &frameRing{free: make(chan *Frame, n)}
	for i := 0; i < n; i++ {
		r.free <- &Frame{ring: r}
	}
	return r
}

// take waits for a free frame and marks it held.
func (r *frameRing) take(ctx context.Context) (*Frame, error) {
	select {
	case f := <-r.free:
		f.held.Store(true)
		return f, nil
	default:
	}
	select {
	case f := <-r.free:
		f.held.Store(true)
		return f, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// stamp fills in the sequence number and time of a frame about to be delivered.
func (r *frameRing) stamp(f *Frame, t time.Time) {
	f.Seq = r.seq
	r.seq++
	f.Time = t
}

// putBack returns a frame that was taken but not delivered.
func (r *frameRing) putBack(f *Frame) { f.Release() }

// growBytes returns b resized to n bytes, reusing its storage when it is
// large enough.
func growBytes(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]byte, n, n+n/8)
}
