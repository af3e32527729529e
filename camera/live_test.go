package camera

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitLimit bounds every wait in these tests: generous, since the machine
// may be busy; a healthy run takes a fraction of it.
const waitLimit = 20 * time.Second

// eventLog collects a source's events, which come from its goroutines.
type eventLog struct {
	mu     sync.Mutex
	events []Event
	ch     chan Event
}

func newEventLog() *eventLog { return &eventLog{ch: make(chan Event, 1000)} }

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
	select {
	case l.ch <- e:
	default:
	}
}

func (l *eventLog) kinds() []EventKind {
	l.mu.Lock()
	defer l.mu.Unlock()
	var k []EventKind
	for _, e := range l.events {
		k = append(k, e.Kind)
	}
	return k
}

func (l *eventLog) all() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Event(nil), l.events...)
}

// drain forgets the events not yet waited for.
func (l *eventLog) drain() {
	for {
		select {
		case <-l.ch:
		default:
			return
		}
	}
}

// waitFor returns the next event of the kind, failing the test after waitLimit.
func (l *eventLog) waitFor(t testing.TB, kind EventKind) Event {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case e := <-l.ch:
			if e.Kind == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %v event within %v; events so far: %v", kind, waitLimit, l.all())
		}
	}
}

// eventually polls cond until it holds, failing the test after waitLimit.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, waitLimit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// backoffLog records the connector's back-off waits instead of sleeping.
type backoffLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (b *backoffLog) sleep(ctx context.Context, d time.Duration) error {
	b.mu.Lock()
	b.waits = append(b.waits, d)
	b.mu.Unlock()
	return ctx.Err()
}

func (b *backoffLog) get() []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Duration(nil), b.waits...)
}

// readFrame reads one frame in the background, so a test can act while Read waits.
func readAsync(src Source) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		f, err := src.Read(context.Background())
		ch <- readResult{f, err}
	}()
	return ch
}

type readResult struct {
	f   *Frame
	err error
}

func (r readResult) must(t testing.TB) *Frame {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.f
}

func awaitRead(t testing.TB, ch <-chan readResult) readResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(waitLimit):
		t.Fatalf("Read did not return within %v", waitLimit)
	}
	return readResult{}
}

func statusOf(t testing.TB, src Source) Status {
	t.Helper()
	r, ok := src.(StatusReporter)
	if !ok {
		t.Fatalf("%T does not report its status", src)
	}
	return r.Status()
}

func TestEventStrings(t *testing.T) {
	cases := []struct {
		e    Event
		want string
	}{
		{Event{Kind: CameraDown, Source: "http://127.0.0.1:8090/cam", Err: context.DeadlineExceeded},
			"camera down: http://127.0.0.1:8090/cam: context deadline exceeded"},
		{Event{Kind: CameraStalled, Stall: 5 * time.Second}, "camera stalled: no frame for 5 s"},
		{Event{Kind: CameraBack, Outage: 12345 * time.Millisecond}, "camera back after 12.3 s"},
		{Event{Kind: CameraBack, Outage: 40 * time.Millisecond}, "camera back after 0 s"},
	}
	for _, c := range cases {
		if got := c.e.String(); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}

func TestStallTimeoutDefault(t *testing.T) {
	cases := []struct {
		o    Options
		want time.Duration
	}{
		{Options{}, 3 * time.Second},
		{Options{FPS: 30}, 3 * time.Second},
		{Options{FPS: 1}, 5 * time.Second},
		{Options{FPS: 0.5}, 10 * time.Second},
		{Options{FPS: 0.5, StallTimeout: time.Second}, time.Second},
	}
	for _, c := range cases {
		if got := c.o.stallTimeout(); got != c.want {
			t.Errorf("%+v: %v, want %v", c.o, got, c.want)
		}
	}
	if lo, hi := (Options{}).backoff(); lo != 500*time.Millisecond || hi != 30*time.Second {
		t.Errorf("default back-off %v..%v, want 0.5s..30s", lo, hi)
	}
}

func TestTestsrcDefaultsToCameraRate(t *testing.T) {
	src, err := Open("testsrc:16x8", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if d := src.Describe(); !strings.Contains(d, "paced 30 fps") {
		t.Errorf("Describe() = %q, want the default 30 fps", d)
	}
	src2, err := Open("testsrc:16x8", Options{FPS: 5})
	if err != nil {
		t.Fatal(err)
	}
	defer src2.Close()
	if d := src2.Describe(); !strings.Contains(d, "paced 5 fps") {
		t.Errorf("Describe() = %q, want the explicit 5 fps", d)
	}
	src3, err := Open("testsrc:16x8", Options{FPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer src3.Close()
	if d := src3.Describe(); strings.Contains(d, "fps") {
		t.Errorf("Describe() = %q, want unthrottled", d)
	}
	f, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.Release()
	if st := statusOf(t, src); !st.Up || st.LastFrame.IsZero() {
		t.Errorf("testsrc status %+v, want up with a last frame", st)
	}
}

// readAndRelease returns a function that reads one frame and releases it.
func readAndRelease(t testing.TB, src Source) func() {
	return func() {
		f, err := src.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		f.Release()
	}
}
