package net

import (
	"image"
	_ "image/jpeg"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net/preprocess"
)

// winograd4ErrorBound bounds an F(4x4) conv's error on real activations:
// max |Winograd - direct| over the conv's output, relative to the output's
// largest magnitude, the direct conv in float64. Measured: at most 4.4e-6
// (F(2x2): 4.5e-7) over the convs of TestWinograd4ErrorOnRealActivations.
const winograd4ErrorBound = 1e-5

// realConvInput is one 3x3 stride-1 conv of a model with its input
// activation (c x h x w) from a real forward.
type realConvInput struct {
	spec ArchConv
	in   []float32
	h, w int
}

// TestWinograd4ErrorOnRealActivations runs every 3x3 stride-1 conv of the
// default model (on testdata/images/shapes.jpg at its 448) and of the
// imported torchvision fixture basic_v1 (on its golden input) whose input
// the observer reports, as F(4x4) and F(2x2), on the inputs a real
// forward gave it, against the direct conv in float64, and logs each
// conv's max relative error (go test -v -run Winograd4Error ./net).
func TestWinograd4ErrorOnRealActivations(t *testing.T) {
	impl := kernels.Active()
	worst4, worst2 := 0.0, 0.0
	for _, c := range []struct {
		name, model string
		input       func(t *testing.T, cfg Config) ([]float32, int, int)
		slow        bool // seconds of float64 convs: not with -short
	}{
		{"default model, shapes.jpg", filepath.Join("..", "testdata", "default", "model.safetensors"), imageInput("shapes.jpg"), true},
		{"torchvision basic_v1, golden input", filepath.Join("..", "testdata", "golden", "basic_v1.safetensors"), goldenInput("basic_v1"), false},
	} {
		if testing.Short() && c.slow {
			continue
		}
		data, err := os.ReadFile(c.model)
		if err != nil {
			t.Fatal(err)
		}
		cfg, params, err := ParseModel(c.model, data)
		if err != nil {
			t.Fatal(err)
		}
		in, h, w := c.input(t, cfg)
		convs := realConvInputs(t, cfg, params, in, h, w)
		if len(convs) < 8 {
			t.Fatalf("%s: only %d convs with observed inputs", c.name, len(convs))
		}
		for _, rc := range convs {
			wt, bias := foldedConv(params, rc.spec)
			ref, _, _ := directConv(rc.in, rc.spec.InC, rc.h, rc.w, wt, rc.spec.OutC, 3, 1, 1)
			var scale float64
			for i, v := range ref {
				ref[i] = v + float64(bias[i/(rc.h*rc.w)])
				scale = max(scale, math.Abs(ref[i]))
			}
			var errs [2]float64
			for i, tile := range []int{4, 2} {
				got := runWinogradOnce(impl, rc, wt, bias, tile)
				for k, v := range got {
					errs[i] = max(errs[i], math.Abs(float64(v)-ref[k])/scale)
				}
			}
			t.Logf("%s: %s (%d->%d, %dx%d): max rel. error F(4x4) %.2e, F(2x2) %.2e", c.name, rc.spec.Name,
				rc.spec.InC, rc.spec.OutC, rc.h, rc.w, errs[0], errs[1])
			worst4, worst2 = max(worst4, errs[0]), max(worst2, errs[1])
			if !(errs[0] <= winograd4ErrorBound) {
				t.Errorf("%s: %s: F(4x4) max relative error %.3g, bound %.3g", c.name, rc.spec.Name, errs[0], winograd4ErrorBound)
			}
		}
	}
	t.Logf("worst: F(4x4) %.2e, F(2x2) %.2e (bound %.0e)", worst4, worst2, winograd4ErrorBound)
}

// imageInput preprocesses testdata/images/name at the model's size.
func imageInput(name string) func(t *testing.T, cfg Config) ([]float32, int, int) {
	return func(t *testing.T, cfg Config) ([]float32, int, int) {
		f, err := os.Open(filepath.Join("..", "testdata", "images", name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, _, err := image.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		p := preprocess.NewPreprocessor(cfg.MinSize, cfg.MaxSize, cfg.ImageMean, cfg.ImageStd)
		g, err := p.GeometryFor(img.Bounds().Dx(), img.Bounds().Dy())
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]float32, g.TensorLen())
		if _, err := p.Run(img, dst); err != nil {
			t.Fatal(err)
		}
		return dst, g.PaddedH, g.PaddedW
	}
}

// goldenInput is the first image of a golden fixture's input.
func goldenInput(name string) func(t *testing.T, cfg Config) ([]float32, int, int) {
	return func(t *testing.T, _ Config) ([]float32, int, int) {
		g := readGoldenIO(t, name)
		return g.input[:3*g.h*g.w], g.h, g.w
	}
}

// realConvInputs runs the model once on in and returns each 3x3 stride-1
// conv whose input the observer reported: a block's convs after its
// first (and a first one after another block), the FPN's output convs
// and the head convs on every level.
func realConvInputs(t *testing.T, cfg Config, params map[string]Param, in []float32, h, w int) []realConvInput {
	t.Helper()
	m, err := NewModelWith(cfg, params, Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	acts := map[string][]float32{}
	m.SetObserver(func(name string, v []float32) { acts[name] = append([]float32(nil), v...) })
	if _, err := m.Forward(1, h, w, in); err != nil {
		t.Fatal(err)
	}
	s := m.planSizes(1, h, w)
	var out []realConvInput
	add := func(spec ArchConv, name string, h, w int) {
		if v, ok := acts[name]; ok && winogradFits(spec.K, spec.Stride, spec.Pad) && len(v) == spec.InC*h*w {
			out = append(out, realConvInput{spec, v, h, w})
		}
	}
	for st, blocks := range m.arch.Stages {
		sh := s.stages[st]
		for i, blk := range blocks {
			for j, c := range blk.Convs {
				switch {
				case j > 0:
					add(c, blk.Convs[j-1].Name, sh[2], sh[3])
				case i > 0:
					add(c, blocks[i-1].Output(), sh[2], sh[3])
				}
			}
		}
	}
	for i := range 3 {
		name := m.arch.LateralSum(i)
		if i == 2 {
			name = m.arch.Inner[2].Name
		}
		add(m.arch.Layer[i], name, s.stages[i+1][2], s.stages[i+1][3])
	}
	for l, lv := range s.levels {
		for k, tower := range [][]ArchConv{m.arch.ClsTower, m.arch.BoxTower} {
			prev := PyramidBase
			for _, c := range tower {
				add(c, LevelActivation(prev, l), lv[2], lv[3])
				prev = c.Name
			}
			add([]ArchConv{m.arch.ClsOut, m.arch.BoxOut}[k], LevelActivation(prev, l), lv[2], lv[3])
		}
	}
	return out
}

// foldedConv is the conv's weights and bias with its batch norm folded in,
// as the model builds them.
func foldedConv(params map[string]Param, s ArchConv) (w, bias []float32) {
	w = params[s.Name+".weight"].Data
	if s.Bias {
		bias = params[s.Name+".bias"].Data
	}
	if s.BN != "" {
		return FoldBatchNorm(w, bias, params[s.BN+".weight"].Data, params[s.BN+".bias"].Data,
			params[s.BN+".running_mean"].Data, params[s.BN+".running_var"].Data)
	}
	if bias == nil {
		bias = make([]float32, s.OutC)
	}
	return w, bias
}

// runWinogradOnce computes rc's conv (no ReLU) as F(tile x tile, 3x3).
func runWinogradOnce(impl *kernels.Impl, rc realConvInput, wt, bias []float32, tile int) []float32 {
	ic, oc := rc.spec.InC, rc.spec.OutC
	c := &conv{ArchConv: rc.spec, bias: bias, wino: newWinogradConv(impl, wt, oc, ic, tile)}
	ws, rows := c.winogradScratch(rc.h, rc.w)
	sc := newConvScratch(0, ws, rows, 1)
	out := make([]float32, oc*rc.h*rc.w)
	e := kernels.NewEngine(impl, 1)
	defer e.Close()
	c.runPlanes(e, planes{data: rc.in, c: ic, h: rc.h, w: rc.w, stride: rc.h * rc.w},
		planes{data: out, c: oc, h: rc.h, w: rc.w, stride: rc.h * rc.w}, &sc, false)
	return out
}
