package track

import (
	"testing"

	"github.com/retina-edge/retina/net/detect"
)

// BenchmarkUpdate50 is one frame of 50 objects in view, moving.
func BenchmarkUpdate50(b *testing.B) {
	tr := New(Options{})
	base := make([]detect.Detection, 50)
	for i := range base {
		x, y := float32(20+(i%10)*120), float32(20+(i/10)*130)
		base[i] = detect.Detection{Class: i % 3, Score: 0.8, Box: [4]float32{x, y, x + 60, y + 90}}
	}
	dets := make([]detect.Detection, 50)
	frame := 0
	step := func() {
		frame++
		copy(dets, base)
		dx := float32(frame%40) - 20
		for i := range dets {
			dets[i].Box[0] += dx
			dets[i].Box[2] += dx
		}
		tr.Update(dets)
	}
	for range 50 {
		step()
	}
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
}

// BenchmarkUpdate50Crowd is the worst case for the assignment: 50 boxes of
// one class overlapping one another (one connected group), jittering.
func BenchmarkUpdate50Crowd(b *testing.B) {
	tr := New(Options{})
	dets := make([]detect.Detection, 50)
	frame := 0
	step := func() {
		frame++
		for i := range dets {
			x := float32(i*6) + float32((frame+i)%3)
			dets[i] = detect.Detection{Score: 0.9, Box: [4]float32{x, 0, x + 60, 90}}
		}
		tr.Update(dets)
	}
	for range 50 {
		step()
	}
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
}
