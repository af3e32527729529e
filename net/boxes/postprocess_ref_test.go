package boxes

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// refPostprocess is postprocess_detections written the obvious way, in
// torchvision's layout: sigmoid of every logit, keep > thresh, stable sort
// by score (ties by index), top-k, decode, clip, batched NMS, cut.
func refPostprocess(numClasses int, sizes [][]int, ratios []float64, opts PostprocessOptions, levels []Level,
	imageW, imageH, paddedW, paddedH int, sigmoid func(dst, src []float32)) []Detection {
	var boxes []Box
	var scores []float32
	var classes []int
	a := len(sizes[0]) * len(ratios)
	k := numClasses
	for l, lv := range levels {
		hw := lv.H * lv.W
		anchors := LevelAnchors(nil, sizes[l], ratios, lv.H, lv.W, paddedH/lv.H, paddedW/lv.W)
		logits := make([]float32, hw*a*k) // (H, W, A, K)
		for cell := range hw {
			for ai := range a {
				for c := range k {
					logits[(cell*a+ai)*k+c] = lv.Logits[(ai*k+c)*hw+cell]
				}
			}
		}
		sc := make([]float32, len(logits))
		sigmoid(sc, logits)
		var idx []int
		for i, s := range sc {
			if s > opts.ScoreThresh {
				idx = append(idx, i)
			}
		}
		slices.SortStableFunc(idx, func(x, y int) int {
			switch {
			case sc[x] > sc[y]:
				return -1
			case sc[x] < sc[y]:
				return 1
			}
			return 0
		})
		idx = idx[:min(len(idx), opts.TopK)]
		for _, i := range idx {
			anchor := i / k
			cell, ai := anchor/a, anchor%a
			var d [4]float32
			for j := range d {
				d[j] = lv.Deltas[(ai*4+j)*hw+cell]
			}
			boxes = append(boxes, ClipToImage(Decode(d, anchors[anchor]), imageW, imageH))
			scores = append(scores, sc[i])
			classes = append(classes, i%k)
		}
	}
	keep := BatchedNMS(boxes, scores, classes, opts.NMSThresh, nil)
	keep = keep[:min(len(keep), opts.MaxDetections)]
	dets := []Detection{}
	for _, i := range keep {
		dets = append(dets, Detection{boxes[i], scores[i], classes[i]})
	}
	return dets
}

// randomLevels makes head outputs whose logits sit on a 1/8 grid, so that
// equal scores are common and the tie rules (lower torchvision index first)
// are exercised at the top-k boundary and in NMS.
func randomLevels(rng *rand.Rand, a, k int, feats [][2]int, mean, std float64) []Level {
	var lv []Level
	for _, f := range feats {
		hw := f[0] * f[1]
		l := Level{Logits: make([]float32, a*k*hw), Deltas: make([]float32, a*4*hw), H: f[0], W: f[1]}
		for i := range l.Logits {
			l.Logits[i] = float32(int((rng.NormFloat64()*std+mean)*8)) / 8
		}
		for i := range l.Deltas {
			l.Deltas[i] = float32(rng.NormFloat64() * 0.4)
		}
		lv = append(lv, l)
	}
	return lv
}

// TestPostprocessMatchesReference: Run (channel-major scan, logit
// prefilter, rising bar, heap top-k, on-the-fly anchors) gives exactly the
// reference's detections over many shapes, options and tie-heavy inputs.
func TestPostprocessMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	type shape struct {
		sizes  [][]int
		ratios []float64
		k      int
		padH   int
		padW   int
		imgH   int
		imgW   int
		feats  [][2]int
	}
	shapes := []shape{
		{[][]int{{32, 40, 50}, {64, 80, 101}, {128, 161, 203}}, []float64{0.5, 1, 2}, 7, 128, 96, 120, 90, [][2]int{{16, 12}, {8, 6}, {4, 3}}},
		{[][]int{{16}}, []float64{1}, 1, 40, 40, 40, 33, [][2]int{{10, 10}}},
		{[][]int{{20, 30}, {40, 60}}, []float64{0.7, 1.9}, 13, 100, 70, 97, 70, [][2]int{{13, 9}, {7, 5}}},
	}
	optsList := []PostprocessOptions{
		DefaultPostprocessOptions(),
		{ScoreThresh: 0.3, NMSThresh: 0.45, TopK: 37, MaxDetections: 25},
		{ScoreThresh: 0, NMSThresh: 0.7, TopK: 2000, MaxDetections: 5000},
		{ScoreThresh: 0.9, NMSThresh: 0.5, TopK: 5, MaxDetections: 300},
	}
	runs, nonEmpty := 0, 0
	for si, sh := range shapes {
		for oi, opts := range optsList {
			p, err := NewPostprocessor(sh.k, sh.sizes, sh.ratios, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, dist := range [][2]float64{{-3, 1.5}, {0, 3}, {-6, 1}} {
				levels := randomLevels(rng, p.AnchorsPerCell(), sh.k, sh.feats, dist[0], dist[1])
				got, err := p.Run(levels, sh.imgW, sh.imgH, sh.padW, sh.padH, sigmoid64)
				if err != nil {
					t.Fatal(err)
				}
				want := refPostprocess(sh.k, sh.sizes, sh.ratios, opts, levels, sh.imgW, sh.imgH, sh.padW, sh.padH, sigmoid64)
				if !slices.Equal(got, want) {
					t.Fatalf("shape %d opts %d logits N(%v, %v): %d detections, reference %d\ngot  %v\nwant %v",
						si, oi, dist[0], dist[1], len(got), len(want), head(got), head(want))
				}
				runs++
				if len(want) > 0 {
					nonEmpty++
				}
			}
		}
	}
	if runs != len(shapes)*len(optsList)*3 || nonEmpty < runs*2/3 {
		t.Fatalf("%d runs, %d with detections", runs, nonEmpty)
	}
}

func head(d []Detection) []Detection { return d[:min(len(d), 5)] }
