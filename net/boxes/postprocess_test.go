package boxes

import (
	"math"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

type postprocessCase struct {
	Name    string
	Classes int
	Sizes   [][]int
	Ratios  []float64
	Padded  [2]int // h, w
	Image   [2]int // h, w
	Feats   [][2]int
	Opts    struct {
		ScoreThresh float32 `json:"score_thresh"`
		NMSThresh   float64 `json:"nms_thresh"`
		TopK        int     `json:"topk"`
		Detections  int     `json:"detections"`
	}
	Candidates int
	Logits     []f32s
	Deltas     []f32s
	Boxes      f32s
	Scores     f32s
	Labels     []int
}

func (c *postprocessCase) levels() []Level {
	lv := make([]Level, len(c.Feats))
	for l, f := range c.Feats {
		lv[l] = Level{Logits: c.Logits[l], Deltas: c.Deltas[l], H: f[0], W: f[1]}
	}
	return lv
}

// TestPostprocessGolden: RetinaNet.postprocess_detections on random head
// outputs (2-3 levels, K = 1, 2, 5): the same number of detections, in the
// same order, with the same classes, IoU >= 0.999 with torchvision's boxes
// and scores within 1e-5; with kernels.Sigmoid and with a float64 sigmoid.
// The cases cover top-k cutting levels, more than 1000 candidates (the
// per-class NMS path), fewer (the coordinate trick), and other options.
func TestPostprocessGolden(t *testing.T) {
	var fx struct{ Cases []postprocessCase }
	readFixture(t, "postprocess.json", &fx)
	if len(fx.Cases) != 3 || fx.Cases[0].Candidates <= 1000 || fx.Cases[1].Candidates > 1000 {
		t.Fatalf("fixture does not cover both NMS paths: %d cases", len(fx.Cases))
	}
	sigmoids := map[string]func(dst, src []float32){"kernels": kernels.Sigmoid, "float64": sigmoid64}
	for _, c := range fx.Cases {
		opts := PostprocessOptions{ScoreThresh: c.Opts.ScoreThresh, NMSThresh: c.Opts.NMSThresh, TopK: c.Opts.TopK, MaxDetections: c.Opts.Detections}
		p, err := NewPostprocessor(c.Classes, c.Sizes, c.Ratios, opts)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		want := c.Boxes.boxes(t)
		if len(want) == 0 || len(want) != len(c.Scores) || len(want) != len(c.Labels) {
			t.Fatalf("%s: malformed expectations", c.Name)
		}
		for sname, sig := range sigmoids {
			got, err := p.Run(c.levels(), c.Image[1], c.Image[0], c.Padded[1], c.Padded[0], sig)
			if err != nil {
				t.Fatalf("%s/%s: %v", c.Name, sname, err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s/%s: %d detections, torchvision %d", c.Name, sname, len(got), len(want))
			}
			for i, d := range got {
				if d.Class != c.Labels[i] || math.Abs(float64(d.Score-c.Scores[i])) > 1e-5 || !closeBoxes(d.Box, want[i]) {
					t.Errorf("%s/%s detection %d: %+v, torchvision %v %v class %d", c.Name, sname, i, d, want[i], c.Scores[i], c.Labels[i])
				}
			}
		}
	}
}

// closeBoxes is IoU >= 0.999, or for a box clipped to zero area (IoU 0/0)
// coordinates within 1e-3.
func closeBoxes(a, b Box) bool {
	if b.Area() > 0 {
		return IoU(a, b) >= 0.999
	}
	for j := range 4 {
		if math.Abs(float64(a[j]-b[j])) > 1e-3 {
			return false
		}
	}
	return true
}
