package net

import (
	"math"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

// A Winograd conv, F(2x2) and F(4x4), over five levels side by side (odd,
// even and 1-pixel sizes) equals a float64 direct 3x3 pad-1 conv, with
// bias and ReLU, on every tier, with its weights transformed at run time
// (no ReLU) and once (ReLU).
func TestWinogradMatchesDirectConv(t *testing.T) {
	for _, tile := range []int{2, 4} {
		testWinogradMatchesDirectConv(t, tile)
	}
}

func testWinogradMatchesDirectConv(t *testing.T, tile int) {
	rng := rand.New(rand.NewSource(11))
	const ic, oc = 5, 7
	sizes := [NumLevels][2]int{{7, 9}, {4, 5}, {2, 2}, {1, 1}, {3, 1}}
	if tile == 4 {
		sizes[0], sizes[1] = [2]int{11, 13}, [2]int{8, 6}
	}
	var hs, ws [NumLevels]int
	total := 0
	for l, s := range sizes {
		hs[l], ws[l] = s[0], s[1]
		total += s[0] * s[1]
	}
	var off [NumLevels + 1]int
	for l := range NumLevels {
		off[l+1] = off[l] + hs[l]*ws[l]
	}
	in := randomSlice(rng, ic*total)
	weights := randomSlice(rng, oc*ic*9)
	bias := randomSlice(rng, oc)
	g := newTileGrid(hs, ws, tile)
	n := winoPositions(tile)
	levelPlanes := func(buf []float32, l, c int) planes {
		return planes{data: buf[off[l]:], c: c, h: hs[l], w: ws[l], stride: total}
	}
	defer func(keep int) { winoKeepTransformed = keep }(winoKeepTransformed)
	for _, impl := range kernels.Tiers() {
		for i, relu := range []bool{false, true} {
			winoKeepTransformed = i << 30 // weights transformed at run time, then once
			wc := newWinogradConv(impl, weights, oc, ic, tile)
			e := kernels.NewEngine(impl, 1)
			v := make([]float32, n*ic*g.total())
			out := make([]float32, oc*total)
			for l := range NumLevels {
				winogradInputRange(impl, levelPlanes(in, l, ic), 0, ic, v, tile, g.total(), g.off[l], g.th[l], g.tw[l], make([]float32, winogradRows(tile, g.th[l], g.tw[l])))
			}
			levelsRun(e, wc, v, g, bias, relu, func(l int) planes { return levelPlanes(out, l, oc) })()
			e.Close()
			for l := range NumLevels {
				h, w := hs[l], ws[l]
				src := make([]float32, ic*h*w)
				for ch := range ic {
					copy(src[ch*h*w:], in[ch*total+off[l]:ch*total+off[l]+h*w])
				}
				ref, _, _ := directConv(src, ic, h, w, weights, oc, 3, 1, 1)
				for o := range oc {
					for i := range h * w {
						want := ref[o*h*w+i] + float64(bias[o])
						if relu {
							want = max(want, 0)
						}
						got := float64(out[o*total+off[l]+i])
						if math.Abs(got-want) > winoTolerance(tile)*max(1, math.Abs(want)) {
							t.Fatalf("F(%dx%d) %s relu=%v level %d (%dx%d) channel %d pixel %d: got %g, want %g",
								tile, tile, impl.Name, relu, l, h, w, o, i, got, want)
						}
					}
				}
			}
		}
	}
}

// levelsRun returns a run of wc's blocks on e (one thread) on v, the
// transformed input of the levels of grid g side by side, into the levels
// dst gives; its scratch is allocated once.
func levelsRun(e *kernels.Engine, wc *winogradConv, v []float32, g tileGrid, bias []float32, relu bool, dst func(l int) planes) func() {
	sc := newConvScratch(0, wc.sizes(g.total()), 0, 1)
	job := &levelsOut{im: e.Impl(), wm: sc.wm, g: g, bias: bias, relu: relu, dst: dst,
		rows: make([]float32, wc.tile*wc.tile*g.tw[0])}
	return func() { wc.runBlocks(e, v, g.total(), &sc, job) }
}

// levelsOut is runLevels' output transform of one block, all levels.
type levelsOut struct {
	im    *kernels.Impl
	wm    []float32
	g     tileGrid
	bias  []float32
	relu  bool
	dst   func(l int) planes
	rows  []float32
	o0, n int
}

func (j *levelsOut) setBlock(o0, n int) { j.o0, j.n = o0, n }

func (j *levelsOut) RunRange(_, lo, hi int) {
	g := &j.g
	for l := range NumLevels {
		winogradOutputRange(j.im, j.wm, g.tile, g.total(), g.off[l], g.th[l], g.tw[l], blockBias(j.bias, j.o0, j.n), j.relu, false,
			blockPlanes(j.dst(l), j.o0, j.n), lo, hi, j.rows)
	}
}

// A residual Winograd conv (runWinograd with accumulate) adds what the
// output held before the bias and ReLU, for odd and even sizes.
func TestWinogradResidual(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	const ic, oc = 3, 4
	for _, c := range [][3]int{{5, 6, 2}, {6, 5, 2}, {1, 2, 2}, {5, 6, 4}, {8, 8, 4}, {9, 4, 4}, {1, 2, 4}} {
		hw, tile := c[:2], c[2]
		h, w := hw[0], hw[1]
		src := randomSlice(rng, ic*h*w)
		prior := randomSlice(rng, oc*h*w)
		weights, bias := randomSlice(rng, oc*ic*9), randomSlice(rng, oc)
		impl := kernels.Tiers()[0]
		c := &conv{ArchConv: ArchConv{OutC: oc, InC: ic, K: 3, Stride: 1, Pad: 1}, relu: true, bias: bias,
			wino: newWinogradConv(impl, weights, oc, ic, tile)}
		ws, rows := c.winogradScratch(h, w)
		sc := newConvScratch(0, ws, rows, 1)
		dst := append([]float32(nil), prior...)
		e := kernels.NewEngine(impl, 1)
		c.runPlanes(e, planes{data: src, c: ic, h: h, w: w, stride: h * w}, planes{data: dst, c: oc, h: h, w: w, stride: h * w}, &sc, true)
		e.Close()
		ref, _, _ := directConv(src, ic, h, w, weights, oc, 3, 1, 1)
		for i, r := range ref {
			want := max(0, r+float64(prior[i])+float64(bias[i/(h*w)]))
			if math.Abs(float64(dst[i])-want) > winoTolerance(tile)*max(1, math.Abs(want)) {
				t.Fatalf("F(%dx%d) %dx%d element %d: got %g, want %g", tile, tile, h, w, i, dst[i], want)
			}
		}
	}
}

// winoTolerance is the relative error a small random Winograd conv stays
// within: F(4x4)'s transforms multiply by up to 8 (A^T) and 5 (B^T) and
// add more terms, so its float32 rounding is about ten times F(2x2)'s.
func winoTolerance(tile int) float64 {
	if tile == 4 {
		return 1e-4
	}
	return 1e-5
}

// A model keeps one copy of each conv weight: ResNet-18-FPN's convs hold
// (packed, or raw for the Winograd convs, which transform them per run)
// hardly more floats than its conv weights (the panels' padding rows,
// layer1's small convs kept transformed), and its Winograd convs (half
// the weights) are all raw but for those.
func TestModelKeepsOneCopyOfConvWeights(t *testing.T) {
	cfg, _ := ResNetConfig("resnet18", 80)
	m, err := NewInitializedModel(cfg, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	specs, err := cfg.Params()
	if err != nil {
		t.Fatal(err)
	}
	raw := 0
	for _, s := range specs {
		if len(s.Shape) == 4 {
			raw += shapeSize(s.Shape)
		}
	}
	held, wino := 0, 0
	add := func(c *conv) {
		switch {
		case c == nil:
		case c.wino != nil:
			n := c.wino.w.Floats()
			held, wino = held+n, wino+n
		case c.packed != nil:
			mr := c.packed.Impl().MR
			held += ceilDiv(c.packed.M, mr) * mr * c.packed.K
		}
	}
	add(m.stem)
	for _, blocks := range m.stages {
		for _, b := range blocks {
			for _, c := range b.convs {
				add(c)
			}
			add(b.down)
		}
	}
	for i := range 3 {
		add(m.inner[i])
		add(m.layer[i])
	}
	add(m.p6)
	add(m.p7)
	for _, c := range m.headConvs() {
		add(c)
	}
	if held > raw*102/100 {
		t.Errorf("convs hold %d floats for %d conv weights", held, raw)
	}
	if wino < raw/3 {
		t.Errorf("Winograd convs hold %d of %d floats: the table no longer covers the heads?", wino, raw)
	}
	t.Logf("convs hold %d floats (%d in Winograd convs) for %d conv weights", held, wino, raw)
}
