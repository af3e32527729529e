package mqttsink

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/internal/mosquittotest"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/stream"
)

// next returns the next message on topic, skipping others (which it
// returns too, for tests that check what came before).
func next(t *testing.T, ch <-chan mosquittotest.Message, topic string) (m mosquittotest.Message, skipped []mosquittotest.Message) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case m := <-ch:
			if m.Topic == topic {
				return m, skipped
			}
			skipped = append(skipped, m)
		case <-deadline:
			t.Fatalf("no message on %s within 20 s (others: %v)", topic, skipped)
		}
	}
}

// logLines records a sink's log lines.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// count is how many lines contain s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

// wait polls until a line contains s.
func (l *logLines) wait(t *testing.T, s string) {
	t.Helper()
	for range 2000 {
		if l.count(s) > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no log line with %q within 20 s; log:\n%s", s, l)
}

// frame is a Result with one tracked detection per label given (track ids
// from 1), counted as the events engine counts them, plus one untracked
// car, which no count includes.
func frame(n uint64, labels ...string) *stream.Result {
	r := &stream.Result{Frame: n, Time: time.Date(2026, 12, 5, 10, 0, 0, int(n)*1000, time.UTC), Width: 640, Height: 480}
	for i, l := range labels {
		r.Detections = append(r.Detections, detect.Detection{Label: l, Score: 0.9, Box: [4]float32{1, 2, 30, 40}, Track: i + 1})
		if j := slices.IndexFunc(r.Counts, func(c events.Count) bool { return c.Label == l }); j >= 0 {
			r.Counts[j].N++
		} else {
			r.Counts = append(r.Counts, events.Count{Label: l, N: 1})
		}
	}
	r.Detections = append(r.Detections, detect.Detection{Label: "car", Score: 0.5, Box: [4]float32{5, 5, 9, 9}})
	return r
}

// withEvent adds a new-object event for track to r.
func withEvent(r *stream.Result, track int) *stream.Result {
	start := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	r.Events = append(r.Events, events.Event{
		ID: fmt.Sprintf("1764928800000-%d", track), Type: events.New, Track: track, Label: "person",
		Score: 0.8, TopScore: 0.8, Box: [4]float32{1, 2, 30, 40}, Zones: []string{}, Start: start, Frame: r.Frame,
	})
	return r
}

// testOptions are quick-retrying options logging to l.
func testOptions(l *logLines) Options {
	return Options{QoS: 1, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Logf: l.logf, SWVersion: "test"}
}
