package events

import (
	"testing"
	"time"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/track"
)

// scene50 is 50 objects of three labels on a 10 x 5 grid of a 1280x720
// frame, each drifting a pixel a frame, with jittering scores; two zones
// and a mask so that every stage runs.
type scene50 struct {
	e     *Engine
	base  []detect.Detection
	dets  []detect.Detection
	frame uint64
}

func newScene50(tb testing.TB) *scene50 {
	labels := []string{"person", "car", "dog"}
	e, err := NewEngine(Config{
		Zones:    []string{"left:0,0,640,0,640,720,0,720", "road:0,500,1280,500,1280,720,0,720"},
		Masks:    []string{"1270,0,1280,0,1280,10"},
		MinScore: 0.3,
		Track:    track.Options{MinHits: 3},
	})
	if err != nil {
		tb.Fatal(err)
	}
	s := &scene50{e: e}
	for i := 0; i < 50; i++ {
		x, y := float32(20+(i%10)*120), float32(20+(i/10)*130)
		s.base = append(s.base, detect.Detection{Class: i % 3, Label: labels[i%3], Score: 0.8, Box: [4]float32{x, y, x + 60, y + 90}})
	}
	s.dets = make([]detect.Detection, len(s.base))
	return s
}

func (s *scene50) step() {
	s.frame++
	copy(s.dets, s.base)
	for i := range s.dets {
		d := &s.dets[i]
		dx := float32(s.frame%40) - 20 // back and forth, 20 px each way
		d.Box[0] += dx
		d.Box[2] += dx
		d.Score = 0.7 + 0.2*float32((s.frame*uint64(i+7))%10)/10
	}
	s.e.Process(s.frame, time.Unix(0, int64(s.frame)*int64(100*time.Millisecond)), s.dets)
}

// Steady state (the same 50 objects in view) allocates nothing per frame.
func TestProcessNoAllocs(t *testing.T) {
	s := newScene50(t)
	for i := 0; i < 50; i++ {
		s.step()
	}
	if n := len(s.e.Tracker().Tracks()); n != 50 {
		t.Fatalf("%d tracks, want 50", n)
	}
	if a := testing.AllocsPerRun(200, s.step); a != 0 {
		t.Fatalf("%.1f allocations per frame, want 0", a)
	}
	if n := len(s.e.Tracker().Tracks()); n != 50 || s.e.Tracker().NextID() != 51 {
		t.Fatalf("%d tracks, next id %d: the objects should have kept their ids", n, s.e.Tracker().NextID())
	}
}

// BenchmarkProcess50 is tracking plus events for one frame with 50 objects.
func BenchmarkProcess50(b *testing.B) {
	s := newScene50(b)
	for i := 0; i < 50; i++ {
		s.step()
	}
	b.ReportAllocs()
	for b.Loop() {
		s.step()
	}
}
