package boxes

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// oneCell is a 1x1 feature map on a 32x32 image with three identical
// anchors (size 16 three times, ratio 1) and k classes.
func oneCell(t *testing.T, k int, logits []float32, dw float32) (*Postprocessor, []Level) {
	t.Helper()
	p, err := NewPostprocessor(k, [][]int{{16, 16, 16}}, []float64{1}, DefaultPostprocessOptions())
	if err != nil {
		t.Fatal(err)
	}
	deltas := make([]float32, 3*4)
	for a := range 3 {
		deltas[a*4+2], deltas[a*4+3] = dw, dw
	}
	return p, []Level{{Logits: logits, Deltas: deltas, H: 1, W: 1}}
}

func TestPostprocessNothingAboveThreshold(t *testing.T) {
	p, lv := oneCell(t, 2, []float32{-10, -3, -2.95, -20, -5, -100}, 0) // sigmoid(-2.95) < 0.05
	got, err := p.Run(lv, 32, 32, 32, 32, sigmoid64)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no detections", got, err)
	}
}

// TestPostprocessAllSuppressed: identical boxes keep one per class, the
// best-scored anchor, scores sorted.
func TestPostprocessAllSuppressed(t *testing.T) {
	// channel a*K+k: anchors 0..2, classes 0..1.
	p, lv := oneCell(t, 2, []float32{1, 2, 3, 0.5, 2, 4}, 0)
	got, err := p.Run(lv, 32, 32, 32, 32, sigmoid64)
	if err != nil {
		t.Fatal(err)
	}
	want := []Detection{
		{Box{-8, -8, 8, 8}, float32(sigmoid64One(4)), 1},
		{Box{-8, -8, 8, 8}, float32(sigmoid64One(3)), 0},
	}
	want[0].Box = ClipToImage(want[0].Box, 32, 32)
	want[1].Box = ClipToImage(want[1].Box, 32, 32)
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func sigmoid64One(x float32) float32 {
	var d [1]float32
	sigmoid64(d[:], []float32{x})
	return d[0]
}

// TestPostprocessZeroSizeBoxes: dw = dh = -100 shrinks boxes to (nearly)
// points of zero float32 area; their IoU is 0/0, so NMS keeps them all.
func TestPostprocessZeroSizeBoxes(t *testing.T) {
	p, lv := oneCell(t, 1, []float32{1, 2, 3}, -100)
	got, err := p.Run(lv, 32, 32, 32, 32, sigmoid64)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d detections, want all 3 points: %v", len(got), got)
	}
	for _, d := range got {
		if d.Box.Area() != 0 || d.Box.Width() > 1e-30 || d.Box.Height() > 1e-30 {
			t.Errorf("box %v is not a point", d.Box)
		}
	}
}

// TestPostprocessClipsToImage: boxes are clipped to the resized image, not
// the padded one.
func TestPostprocessClipsToImage(t *testing.T) {
	p, err := NewPostprocessor(1, [][]int{{64}}, []float64{1}, DefaultPostprocessOptions())
	if err != nil {
		t.Fatal(err)
	}
	lv := []Level{{Logits: []float32{-9, -9, -9, 3}, Deltas: make([]float32, 16), H: 2, W: 2}}
	got, err := p.Run(lv, 40, 30, 64, 64, sigmoid64)
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
	// Cell (1,1) with stride 32: anchor (0,0,64,64), clipped to 40x30.
	if want := (Box{0, 0, 40, 30}); got[0].Box != want {
		t.Fatalf("box %v, want %v", got[0].Box, want)
	}
}

func TestPostprocessErrors(t *testing.T) {
	p, err := NewPostprocessor(3, [][]int{{16}, {32}}, []float64{0.5, 2}, DefaultPostprocessOptions())
	if err != nil {
		t.Fatal(err)
	}
	good := func() []Level {
		return []Level{
			{Logits: make([]float32, 2*3*4*4), Deltas: make([]float32, 2*4*4*4), H: 4, W: 4},
			{Logits: make([]float32, 2*3*2*2), Deltas: make([]float32, 2*4*2*2), H: 2, W: 2},
		}
	}
	if _, err := p.Run(good(), 30, 30, 32, 32, sigmoid64); err != nil {
		t.Fatalf("good input: %v", err)
	}
	cases := []struct {
		name   string
		levels func() []Level
		w, h   int
		want   string
	}{
		{"one level", func() []Level { return good()[:1] }, 30, 30, "1 levels"},
		{"short logits", func() []Level { l := good(); l[1].Logits = l[1].Logits[1:]; return l }, 30, 30, "level 1: 23 logits"},
		{"long deltas", func() []Level { l := good(); l[0].Deltas = append(l[0].Deltas, 0); return l }, 30, 30, "level 0: 129 box deltas"},
		{"zero height", func() []Level { l := good(); l[0].H = 0; return l }, 30, 30, "feature map 0x4"},
		{"image beyond padding", good, 33, 30, "image 33x30"},
		{"feature beyond padding", func() []Level {
			l := good()
			l[1] = Level{Logits: make([]float32, 2*3*40), Deltas: make([]float32, 2*4*40), H: 1, W: 40}
			return l
		}, 30, 30, "feature map 1x40"},
	}
	for _, c := range cases {
		_, err := p.Run(c.levels(), c.w, c.h, 32, 32, sigmoid64)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}

func TestNewPostprocessorErrors(t *testing.T) {
	def := DefaultPostprocessOptions()
	bad := []struct {
		name   string
		k      int
		sizes  [][]int
		ratios []float64
		opts   PostprocessOptions
	}{
		{"no classes", 0, [][]int{{32}}, []float64{1}, def},
		{"no levels", 3, nil, []float64{1}, def},
		{"no ratios", 3, [][]int{{32}}, nil, def},
		{"uneven levels", 3, [][]int{{32, 40}, {64}}, []float64{1}, def},
		{"zero size", 3, [][]int{{0}}, []float64{1}, def},
		{"negative ratio", 3, [][]int{{32}}, []float64{-1}, def},
		{"zero topk", 3, [][]int{{32}}, []float64{1}, PostprocessOptions{ScoreThresh: 0.05, NMSThresh: 0.5, MaxDetections: 5}},
	}
	for _, b := range bad {
		if _, err := NewPostprocessor(b.k, b.sizes, b.ratios, b.opts); err == nil {
			t.Errorf("%s: no error", b.name)
		}
	}
}

// TestPostprocessNoAllocs: steady-state Run allocates nothing, with many
// candidates (top-k full, per-class NMS path) and with few.
func TestPostprocessNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	p, err := NewPostprocessor(20, [][]int{{32, 40, 50}, {64, 80, 101}}, []float64{0.5, 1, 2}, DefaultPostprocessOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, mean := range []float64{-1, -5} {
		levels := randomLevels(rng, 9, 20, [][2]int{{16, 16}, {8, 8}}, mean, 2)
		if _, err := p.Run(levels, 120, 128, 128, 128, sigmoid64); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(5, func() {
			if _, err := p.Run(levels, 120, 128, 128, 128, sigmoid64); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("logit mean %v: %v allocations per Run", mean, allocs)
		}
	}
}
