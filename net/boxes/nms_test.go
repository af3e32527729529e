package boxes

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNMSGolden: torchvision.ops.nms and batched_nms kept indices, exactly:
// grid boxes with tied scores and IoUs, inverted and zero-size boxes, an
// IoU of exactly 0.5, float32(0.3) against the double 0.3, negative
// coordinates where batched_nms's offsets let classes interact, and more
// than 1000 boxes (the per-class path).
func TestNMSGolden(t *testing.T) {
	var fx struct {
		Cases []struct {
			Name    string
			Kind    string
			Boxes   f32s
			Scores  f32s
			Classes []int
			Threshs []float64
			Keeps   [][]int
		}
	}
	readFixture(t, "nms.json", &fx)
	if len(fx.Cases) < 5 {
		t.Fatalf("%d cases", len(fx.Cases))
	}
	var s Suppressor
	for _, c := range fx.Cases {
		boxes := c.Boxes.boxes(t)
		if len(boxes) != len(c.Scores) || len(c.Threshs) != len(c.Keeps) || len(c.Threshs) == 0 {
			t.Fatalf("%s: malformed case", c.Name)
		}
		for ti, th := range c.Threshs {
			var got []int
			switch c.Kind {
			case "nms":
				got = s.NMS(boxes, c.Scores, th, nil)
			case "batched":
				got = s.BatchedNMS(boxes, c.Scores, c.Classes, th, nil)
			default:
				t.Fatalf("%s: kind %q", c.Name, c.Kind)
			}
			if !slices.Equal(got, c.Keeps[ti]) {
				t.Errorf("%s thresh %v: kept %v\ntorchvision %v", c.Name, th, got, c.Keeps[ti])
			}
		}
	}
}

// TestBatchedNMSMatchesPerClassNMS: on random clipped boxes with tied
// scores, BatchedNMS keeps exactly what torchvision's path for the size
// does: one NMS over class-shifted boxes up to 1000 boxes, NMS per class
// then a sort by score above.
func TestBatchedNMSMatchesPerClassNMS(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	for _, n := range []int{0, 1, 7, 400, 1000, 1001, 2500} {
		boxes := make([]Box, n)
		scores := make([]float32, n)
		classes := make([]int, n)
		for i := range boxes {
			x, y := rng.Float32()*200, rng.Float32()*200
			boxes[i] = ClipToImage(Box{x, y, x + rng.Float32()*50, y + rng.Float32()*50}, 180, 180)
			scores[i] = float32(rng.IntN(50)) / 50 // ties
			classes[i] = rng.IntN(5)
		}
		got := BatchedNMS(boxes, scores, classes, 0.5, nil)
		var want []int
		for c := range 5 {
			var idx []int
			var cb []Box
			var cs []float32
			for i := range boxes {
				if classes[i] == c {
					idx = append(idx, i)
					cb = append(cb, boxes[i])
					cs = append(cs, scores[i])
				}
			}
			for _, k := range NMS(cb, cs, 0.5, nil) {
				want = append(want, idx[k])
			}
		}
		slices.SortStableFunc(want, func(a, b int) int {
			if scores[a] != scores[b] {
				if scores[a] > scores[b] {
					return -1
				}
				return 1
			}
			return a - b
		})
		if n > 1000 {
			if !slices.Equal(got, want) {
				t.Errorf("n=%d: batched %v\nper class %v", n, got, want)
			}
			continue
		}
		// Up to 1000 boxes torchvision runs one NMS over the boxes shifted by
		// class*(max+1); the per-class grouping must keep exactly that.
		maxc := float32(0)
		for _, b := range boxes {
			maxc = max(maxc, b[0], b[1], b[2], b[3])
		}
		shifted := make([]Box, n)
		for i, b := range boxes {
			off := float32(classes[i]) * (maxc + 1)
			shifted[i] = Box{b[0] + off, b[1] + off, b[2] + off, b[3] + off}
		}
		if trick := NMS(shifted, scores, 0.5, nil); !slices.Equal(got, trick) {
			t.Errorf("n=%d: batched %v\ncoordinate trick %v", n, got, trick)
		}
	}
}

// TestNMSEdgeCases: empty input, all suppressed, degenerate boxes never
// suppress (their IoU is 0/0), threshold 1 keeps everything.
func TestNMSEdgeCases(t *testing.T) {
	if got := NMS(nil, nil, 0.5, nil); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
	same := []Box{{0, 0, 10, 10}, {0, 0, 10, 10}, {0, 0, 10, 10}}
	if got := NMS(same, []float32{0.2, 0.9, 0.5}, 0.5, nil); !slices.Equal(got, []int{1}) {
		t.Errorf("identical boxes: kept %v, want [1]", got)
	}
	if got := NMS(same, []float32{0.5, 0.5, 0.5}, 0.5, nil); !slices.Equal(got, []int{0}) {
		t.Errorf("identical boxes, tied scores: kept %v, want the first [0]", got)
	}
	if got := NMS(same, []float32{0.2, 0.9, 0.5}, 1, nil); !slices.Equal(got, []int{1, 2, 0}) {
		t.Errorf("thresh 1: kept %v, want all by score", got)
	}
	points := []Box{{5, 5, 5, 5}, {5, 5, 5, 5}, {5, 5, 5, 9}}
	if got := NMS(points, []float32{0.3, 0.2, 0.1}, 0, nil); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("zero-area boxes: kept %v, want all", got)
	}
	keep := make([]int, 0, 8)
	got := BatchedNMS(same, []float32{0.2, 0.9, 0.5}, []int{0, 1, 0}, 0.5, keep)
	if !slices.Equal(got, []int{1, 2}) || &got[:1][0] != &keep[:1][0] {
		t.Errorf("batched: kept %v (want [1 2], in the given buffer)", got)
	}
}

// TestSuppressorNoAllocs: once grown, the buffers are reused.
func TestSuppressorNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 7))
	for _, n := range []int{600, 1500} {
		boxes := make([]Box, n)
		scores := make([]float32, n)
		classes := make([]int, n)
		for i := range boxes {
			x, y := rng.Float32()*300, rng.Float32()*300
			boxes[i] = Box{x, y, x + 40, y + 30}
			scores[i] = rng.Float32()
			classes[i] = rng.IntN(10)
		}
		var s Suppressor
		keep := make([]int, 0, n)
		keep = s.BatchedNMS(boxes, scores, classes, 0.5, keep)
		if a := testing.AllocsPerRun(5, func() { keep = s.BatchedNMS(boxes, scores, classes, 0.5, keep) }); a != 0 {
			t.Errorf("n=%d: %v allocations per BatchedNMS", n, a)
		}
	}
}
