package camera

import (
	"context"
	"testing"
	"time"
)

// clockSource delivers pattern frames, advancing a fake clock by every each.
type clockSource struct {
	inner Source
	clock *time.Time
	every time.Duration
}

func (c *clockSource) Read(ctx context.Context) (*Frame, error) {
	*c.clock = c.clock.Add(c.every)
	return c.inner.Read(ctx)
}
func (c *clockSource) Close() error     { return nil }
func (c *clockSource) Describe() string { return "clocked" }

func fakeLimiter(t *testing.T, every time.Duration, fps float64, policy RatePolicy) (*RateLimiter, *[]time.Duration) {
	p, err := openPattern("4x2", Options{FPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Unix(1000, 0)
	l := LimitRate(&clockSource{p, &clock, every}, fps, policy)
	var sleeps []time.Duration
	l.now = func() time.Time { return clock }
	l.sleep = func(ctx context.Context, d time.Duration) error {
		sleeps = append(sleeps, d)
		clock = clock.Add(d)
		return nil
	}
	return l, &sleeps
}

func TestRateLimiterDropsEarlyFrames(t *testing.T) {
	// Frames every 10 ms, at most 25 fps (40 ms): every fourth passes.
	l, sleeps := fakeLimiter(t, 10*time.Millisecond, 25, Drop)
	var seqs []uint64
	for i := 0; i < 5; i++ {
		f, err := l.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, f.Seq)
		f.Release()
	}
	want := []uint64{0, 4, 8, 12, 16}
	for i := range want {
		if seqs[i] != want[i] {
			t.Fatalf("passed frames %v, want %v", seqs, want)
		}
	}
	if l.Dropped() != 12 || len(*sleeps) != 0 {
		t.Errorf("dropped %d (want 12), slept %v (want never)", l.Dropped(), *sleeps)
	}
}

func TestRateLimiterPaces(t *testing.T) {
	// A file source that reads instantly, paced to 20 fps: 50 ms apart.
	l, sleeps := fakeLimiter(t, 0, 20, Pace)
	var times []time.Time
	for i := 0; i < 4; i++ {
		f, err := l.Read(context.Background())
		if err != nil || f.Seq != uint64(i) {
			t.Fatalf("frame %d: %v %v", i, f, err)
		}
		times = append(times, f.Time)
		f.Release()
	}
	// Held frames are stamped with their slot.
	for i := 2; i < 4; i++ {
		if d := times[i].Sub(times[i-1]); d != 50*time.Millisecond {
			t.Errorf("frames %d and %d stamped %v apart, want 50ms", i-1, i, d)
		}
	}
	want := []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}
	if !equalDurations(*sleeps, want) || l.Dropped() != 0 {
		t.Errorf("slept %v, want %v", *sleeps, want)
	}
	// A slow source (80 ms a frame) at 20 fps is never held back.
	l, sleeps = fakeLimiter(t, 80*time.Millisecond, 20, Pace)
	for i := 0; i < 4; i++ {
		f, _ := l.Read(context.Background())
		f.Release()
	}
	if len(*sleeps) != 0 {
		t.Errorf("slept %v for a source slower than the rate", *sleeps)
	}
}

func TestRateLimiterPacingAllocatesNothing(t *testing.T) {
	src, err := openPattern("8x2", Options{FPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	l := LimitRate(src, 1e6, Pace) // 1 µs slots: real timer, short waits
	read := func() {
		f, err := l.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		f.Release()
	}
	read()
	read()
	if a := testing.AllocsPerRun(50, read); a != 0 {
		t.Errorf("%v allocations per paced frame, want 0", a)
	}
}
