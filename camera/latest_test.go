package camera

import (
	"context"
	"errors"
	"io"
	"runtime"
	"runtime/debug"
	"testing"
)

// gatedSource delivers one pattern frame per value sent on tick, and io.EOF
// when tick is closed.
type gatedSource struct {
	inner Source
	tick  chan struct{}
}

func newGated(t testing.TB, buffers int) *gatedSource {
	p, err := openPattern("16x8", Options{Buffers: buffers, FPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &gatedSource{inner: p, tick: make(chan struct{})}
}

func (g *gatedSource) Read(ctx context.Context) (*Frame, error) {
	select {
	case _, ok := <-g.tick:
		if !ok {
			return nil, io.EOF
		}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.inner.Read(ctx)
}
func (g *gatedSource) Close() error     { return nil }
func (g *gatedSource) Describe() string { return "gated" }

// waitFrames spins until l has read n frames from its source.
func waitFrames(l *Latest, n uint64) {
	for l.Frames() < n {
		select {
		case <-l.done:
			return
		default:
		}
	}
}

func TestLatestHandsOutNewest(t *testing.T) {
	g := newGated(t, 3)
	l := NewLatest(g)
	defer l.Close()
	for i := 0; i < 5; i++ {
		g.tick <- struct{}{}
	}
	waitFrames(l, 5)
	f, err := l.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if f.Seq != 4 || l.Dropped() != 4 {
		t.Fatalf("got frame %d with %d dropped, want frame 4 and 4 dropped", f.Seq, l.Dropped())
	}
	// While the consumer holds frame 4, two more come; only the newer is kept.
	g.tick <- struct{}{}
	g.tick <- struct{}{}
	waitFrames(l, 7)
	f.Release()
	f, err = l.Read(context.Background())
	if err != nil || f.Seq != 6 || l.Dropped() != 5 {
		t.Fatalf("got frame %d (%v) with %d dropped, want 6 and 5", f.Seq, err, l.Dropped())
	}
	f.Release()
	// End of the source: the last frame first, then io.EOF.
	g.tick <- struct{}{}
	close(g.tick)
	<-l.done
	if f, err = l.Read(context.Background()); err != nil || f.Seq != 7 {
		t.Fatalf("last frame: %v %v", f, err)
	}
	f.Release()
	if _, err = l.Read(context.Background()); err != io.EOF {
		t.Fatalf("after the end: %v, want io.EOF", err)
	}
}

func TestLatestReadWaitsAndHonoursContext(t *testing.T) {
	g := newGated(t, 4)
	l := NewLatest(g)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Read(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read with a cancelled ctx and no frame: %v", err)
	}
	done := make(chan *Frame)
	go func() {
		f, _ := l.Read(context.Background())
		done <- f
	}()
	g.tick <- struct{}{}
	if f := <-done; f == nil || f.Seq != 0 {
		t.Fatalf("waiting Read got %v", f)
	}
	l.Close()
	if _, err := l.Read(context.Background()); err == nil {
		t.Fatal("Read after Close succeeded")
	}
}

// TestLatestSlowConsumer: frames handed out are in order and every frame read
// from the source was either handed out, dropped, or is still waiting.
func TestLatestSlowConsumer(t *testing.T) {
	g := newGated(t, 4)
	l := NewLatest(g)
	defer l.Close()
	last := int64(-1)
	got := 0
	for round := 0; round < 50; round++ {
		for k := 0; k < round%4+1; k++ {
			g.tick <- struct{}{}
		}
		f, err := l.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if int64(f.Seq) <= last {
			t.Fatalf("frame %d after %d", f.Seq, last)
		}
		last = int64(f.Seq)
		got++
		f.Release()
	}
	close(g.tick)
	<-l.done
	waiting := 0
	if f, err := l.Read(context.Background()); err == nil {
		waiting = 1
		f.Release()
	}
	if uint64(got+waiting)+l.Dropped() != l.Frames() {
		t.Fatalf("handed out %d + waiting %d + dropped %d != read %d", got, waiting, l.Dropped(), l.Frames())
	}
}

func TestLatestSteadyStateAllocatesNothing(t *testing.T) {
	src, err := Open("testsrc:64x48", Options{FPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	l := NewLatest(src)
	defer l.Close()
	ctx := context.Background()
	read := func() {
		f, err := l.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f.Release()
	}
	for i := 0; i < 10; i++ {
		read()
	}
	// Not testing.AllocsPerRun: it pins GOMAXPROCS to 1, where the
	// never-blocking producer starves the consumer. MemStats counts the
	// mallocs of every goroutine, the producer's included. GC is off while
	// counting, since a collection empties the runtime's caches of goroutine
	// wait records (sudogs). Even so the runtime refills a P's sudog cache
	// now and then when goroutines park on one P and wake on another: a few
	// allocations per thousand frames that are not ours. One allocation per
	// frame would show as n.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	for i := 0; i < 50; i++ {
		read()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 2000
	for i := 0; i < n; i++ {
		read()
	}
	runtime.ReadMemStats(&after)
	if a := after.Mallocs - before.Mallocs; a > n/100 {
		t.Errorf("%d allocations over %d frames (producer included), want none per frame", a, n)
	}
	if l.Dropped() == 0 {
		t.Log("the producer never got ahead of the consumer")
	}
}

func BenchmarkLatest640x480(b *testing.B) {
	src, err := Open("testsrc:640x480", Options{FPS: -1})
	if err != nil {
		b.Fatal(err)
	}
	l := NewLatest(src)
	defer l.Close()
	benchSource(b, l, 640*480*2)
	b.ReportMetric(float64(l.Dropped())/float64(b.N), "drops/op")
}
