package camera

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Latest reads a source on its own goroutine and always hands out the newest
// frame: a frame that is superseded before anyone reads it is released and
// counted as dropped, so a slow consumer never works through a queue of stale
// frames. It passes the source's frames through without copying; with the
// consumer holding k frames at once the source needs k+2 buffers (one being
// filled, one waiting), which the default Options.Buffers of 4 covers for k <= 2.
type Latest struct {
	src     Source
	cancel  context.CancelFunc
	done    chan struct{} // closed when the reading goroutine ends
	notify  chan struct{} // capacity 1: a new frame or the end is waiting
	mu      sync.Mutex
	ready   *Frame // the newest unread frame
	err     error  // why the reading goroutine ended
	dropped atomic.Uint64
	frames  atomic.Uint64
	once    sync.Once
}

// NewLatest starts reading src. Close stops the goroutine and closes src.
func NewLatest(src Source) *Latest {
	ctx, cancel := context.WithCancel(context.Background())
	l := &Latest{src: src, cancel: cancel, done: make(chan struct{}), notify: make(chan struct{}, 1)}
	go l.run(ctx)
	return l
}

func (l *Latest) run(ctx context.Context) {
	defer close(l.done)
	for {
		f, err := l.src.Read(ctx)
		l.mu.Lock()
		if err != nil {
			l.err = err
			l.mu.Unlock()
			l.signal()
			return
		}
		if l.ready != nil {
			l.ready.Release()
			l.dropped.Add(1)
		}
		l.ready = f
		l.frames.Add(1)
		l.mu.Unlock()
		l.signal()
	}
}

func (l *Latest) signal() {
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

// Read returns the newest frame not yet handed out, waiting for one if
// needed. After the source ends, the last frame is still delivered and then
// the source's error (io.EOF for a finite source).
func (l *Latest) Read(ctx context.Context) (*Frame, error) {
	for {
		l.mu.Lock()
		f, err := l.ready, l.err
		l.ready = nil
		l.mu.Unlock()
		if f != nil {
			return f, nil
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil, errClosed
			}
			return nil, err
		}
		select {
		case <-l.notify:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Dropped counts frames that were superseded before being read.
func (l *Latest) Dropped() uint64 { return l.dropped.Load() }

// Frames counts frames read from the source.
func (l *Latest) Frames() uint64 { return l.frames.Load() }

// Close stops reading, releases the waiting frame and closes the source.
func (l *Latest) Close() error {
	var err error
	l.once.Do(func() {
		l.cancel()
		err = l.src.Close() // unblocks a Read that does not watch ctx
		<-l.done
		l.mu.Lock()
		if l.ready != nil {
			l.ready.Release()
			l.ready = nil
		}
		l.err = errClosed
		l.mu.Unlock()
		l.signal()
	})
	return err
}

// Describe names the wrapped source.
func (l *Latest) Describe() string { return l.src.Describe() + ", newest frame only" }
