package stream

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/retina-edge/retina/camera"
)

// latencyWindow is how many recent frames the latency quantiles cover.
const latencyWindow = 256

// Stats is a snapshot of a running pipeline.
type Stats struct {
	Frames   uint64        // frames processed (results published)
	Drops    uint64        // frames dropped because a newer one arrived first
	FPS      float64       // processed frames per second since the first result
	P50, P95 time.Duration // capture-to-result latency over the last frames
	Stages   []StageStat   // in pipeline order, capture's preprocess first
	// LastFrame is the capture time of the newest published frame.
	LastFrame time.Time
	// Latency is the capture-to-result latency of every frame so far.
	Latency Histogram
	// Labels counts detections and events per label (labels seen so far).
	Labels []LabelStat
	// Live says the source reports its health; Camera is that health.
	Live   bool
	Camera camera.Status
}

// LatencyBuckets are the upper bounds of the latency histogram's buckets,
// in seconds: from a fast desktop's frame to a Pi's slow model.
var LatencyBuckets = [...]float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Histogram is a cumulative histogram over LatencyBuckets, as Prometheus
// exposes one: Counts[i] observations <= LatencyBuckets[i], Count in all.
type Histogram struct {
	Counts [len(LatencyBuckets)]uint64
	Count  uint64
	Sum    float64 // seconds
}

func (h *Histogram) observe(seconds float64) {
	for i, b := range LatencyBuckets {
		if seconds <= b {
			h.Counts[i]++
		}
	}
	h.Count++
	h.Sum += seconds
}

// StageStat is one stage's work: the frames it finished and its busy time
// (waits for buffers and for the next stage not counted). The slowest
// stage's mean bounds the frame rate.
type StageStat struct {
	Name   string
	Frames uint64
	Busy   time.Duration
}

// Mean is the busy time per frame.
func (s StageStat) Mean() time.Duration {
	if s.Frames == 0 {
		return 0
	}
	return s.Busy / time.Duration(s.Frames)
}

// stageTimer accumulates one stage's busy time; its goroutine writes, any
// goroutine reads.
type stageTimer struct {
	name   string
	frames atomic.Uint64
	busy   atomic.Int64
}

func newTimers(names ...string) []*stageTimer {
	t := make([]*stageTimer, len(names))
	for i, n := range names {
		t[i] = &stageTimer{name: n}
	}
	return t
}

func (t *stageTimer) add(start time.Time) {
	t.busy.Add(int64(time.Since(start)))
	t.frames.Add(1)
}

func (t *stageTimer) stat() StageStat {
	return StageStat{Name: t.name, Frames: t.frames.Load(), Busy: time.Duration(t.busy.Load())}
}

// stats accumulates figures; the pipeline writes, any goroutine reads.
type stats struct {
	mu      sync.Mutex
	frames  uint64
	first   time.Time
	last    time.Time
	lastCap time.Time
	lat     [latencyWindow]time.Duration
	nlat    int
	scratch [latencyWindow]time.Duration
	hist    Histogram
}

func (s *stats) record(captured, done time.Time) {
	s.mu.Lock()
	if s.frames == 0 {
		s.first = done
	}
	s.frames++
	s.last = done
	s.lastCap = captured
	s.lat[s.nlat%latencyWindow] = done.Sub(captured)
	s.nlat++
	s.hist.observe(done.Sub(captured).Seconds())
	s.mu.Unlock()
}

func (s *stats) snapshot(drops uint64) Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Stats{Frames: s.frames, Drops: drops, Latency: s.hist, LastFrame: s.lastCap}
	if s.frames > 1 {
		if d := s.last.Sub(s.first); d > 0 {
			st.FPS = float64(s.frames-1) / d.Seconds()
		}
	}
	n := min(s.nlat, latencyWindow)
	if n > 0 {
		l := s.scratch[:n]
		copy(l, s.lat[:n])
		slices.Sort(l)
		st.P50 = l[(n-1)*50/100]
		st.P95 = l[(n-1)*95/100]
	}
	return st
}
