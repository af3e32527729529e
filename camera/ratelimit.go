package camera

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"
)

// RatePolicy is how a RateLimiter keeps to its rate.
type RatePolicy uint8

const (
	// Pace waits until each frame's slot: right for files and folders, which
	// could otherwise deliver as fast as they are read.
	Pace RatePolicy = iota
	// Drop releases frames that arrive before their slot: right for live
	// sources, where waiting would only make frames stale.
	Drop
)

// RateLimiter is a Source that passes on at most FPS frames a second.
type RateLimiter struct {
	src      Source
	interval time.Duration
	policy   RatePolicy
	next     time.Time // the earliest time the next frame may go out
	dropped  atomic.Uint64

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	timer *time.Timer // reused by waitTimer so pacing does not allocate
}

// LimitRate wraps src; fps <= 0 passes every frame.
func LimitRate(src Source, fps float64, policy RatePolicy) *RateLimiter {
	var interval time.Duration
	if fps > 0 {
		interval = time.Duration(float64(time.Second) / fps)
	}
	l := &RateLimiter{src: src, interval: interval, policy: policy, now: time.Now}
	l.sleep = l.waitTimer
	return l
}

// Read returns the next frame allowed by the rate.
func (l *RateLimiter) Read(ctx context.Context) (*Frame, error) {
	for {
		f, err := l.src.Read(ctx)
		if err != nil {
			return nil, err
		}
		if l.interval <= 0 {
			return f, nil
		}
		t := l.now()
		if t.Before(l.next) {
			if l.policy == Drop {
				f.Release()
				l.dropped.Add(1)
				continue
			}
			if err := l.sleep(ctx, l.next.Sub(t)); err != nil {
				f.Release()
				return nil, err
			}
			t = l.now()
			// A paced frame happens at its slot, not when it was read
			// ahead: latency figures start from here.
			f.Time = t
		}
		// Schedule from the slot, not from t, so the average rate holds; but
		// never bank more than one slot of credit after a stall.
		l.next = l.next.Add(l.interval)
		if l.next.Before(t) {
			l.next = t.Add(l.interval)
		}
		return f, nil
	}
}

// Dropped counts frames released for arriving early (Drop policy).
func (l *RateLimiter) Dropped() uint64 { return l.dropped.Load() }

// Close closes the wrapped source.
func (l *RateLimiter) Close() error { return l.src.Close() }

// Describe adds the rate to the wrapped source's description.
func (l *RateLimiter) Describe() string {
	if l.interval <= 0 {
		return l.src.Describe()
	}
	how := "paced"
	if l.policy == Drop {
		how = "dropping above"
	}
	fps := math.Round(float64(time.Second)/float64(l.interval)*1000) / 1000
	return fmt.Sprintf("%s, %s %g fps", l.src.Describe(), how, fps)
}

func (l *RateLimiter) waitTimer(ctx context.Context, d time.Duration) error {
	if l.timer == nil {
		l.timer = time.NewTimer(d)
	} else {
		l.timer.Reset(d)
	}
	select {
	case <-l.timer.C:
		return nil
	case <-ctx.Done():
		l.timer.Stop()
		return ctx.Err()
	}
}
