package boxes

import (
	"math/rand/v2"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

// benchLevels is a 512x512 input's head output: P3..P7 at 64..4, A=9, K=91
// (4.5M logits), logits N(mean, std).
func benchLevels(mean, std float64) []Level {
	rng := rand.New(rand.NewPCG(12, 13))
	var lv []Level
	for s := 64; s >= 4; s /= 2 {
		l := Level{Logits: make([]float32, 9*91*s*s), Deltas: make([]float32, 9*4*s*s), H: s, W: s}
		for i := range l.Logits {
			l.Logits[i] = float32(rng.NormFloat64()*std + mean)
		}
		for i := range l.Deltas {
			l.Deltas[i] = float32(rng.NormFloat64() * 0.3)
		}
		lv = append(lv, l)
	}
	return lv
}

// BenchmarkRun: the postprocess at 91 classes, 512x512, with kernels.Sigmoid.
// "quiet" is a trained-looking output (about 0.1% of logits above the
// 0.05 threshold); "busy" has a quarter above it, so every level's top-k
// fills and NMS gets 5 x 1000 candidates.
func BenchmarkRun(b *testing.B) {
	for _, c := range []struct {
		name      string
		mean, std float64
	}{{"quiet", -8, 1.6}, {"busy", -4, 1.6}} {
		b.Run(c.name, func(b *testing.B) {
			levels := benchLevels(c.mean, c.std)
			p, err := NewPostprocessor(91, [][]int{{32, 40, 50}, {64, 80, 101}, {128, 161, 203}, {256, 322, 406}, {512, 645, 812}},
				[]float64{0.5, 1, 2}, DefaultPostprocessOptions())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := p.Run(levels, 512, 512, 512, 512, kernels.Sigmoid); err != nil { // grow the buffers
				b.Fatal(err)
			}
			var n int
			b.ReportAllocs()
			for b.Loop() {
				d, err := p.Run(levels, 512, 512, 512, 512, kernels.Sigmoid)
				if err != nil {
					b.Fatal(err)
				}
				n = len(d)
			}
			b.ReportMetric(float64(n), "detections")
		})
	}
}

// BenchmarkBatchedNMS: 5000 candidates over 91 classes (the per-class path)
// and 1000 (the coordinate trick).
func BenchmarkBatchedNMS(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		rng := rand.New(rand.NewPCG(14, 15))
		boxes := make([]Box, n)
		scores := make([]float32, n)
		classes := make([]int, n)
		for i := range boxes {
			x, y := rng.Float32()*500, rng.Float32()*500
			boxes[i] = ClipToImage(Box{x, y, x + 10 + rng.Float32()*100, y + 10 + rng.Float32()*100}, 512, 512)
			scores[i] = rng.Float32()
			classes[i] = rng.IntN(91)
		}
		b.Run(map[int]string{1000: "1000", 5000: "5000"}[n], func(b *testing.B) {
			var s Suppressor
			keep := s.BatchedNMS(boxes, scores, classes, 0.5, make([]int, 0, n))
			b.ReportAllocs()
			for b.Loop() {
				keep = s.BatchedNMS(boxes, scores, classes, 0.5, keep)
			}
		})
	}
}
