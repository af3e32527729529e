package train

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// optimFixture is tools/make_optim_fixtures.py's output.
type optimFixture struct {
	SGD, AdamW, SGDClip optimRun
	Step, Cosine        scheduleRun
}

type optimRun struct {
	Init  [][]float32   `json:"init"`
	Grads [][][]float32 `json:"grads"`
	LRs   []float64     `json:"lrs"`
	After [][][]float32 `json:"after"`
	Norms []float64     `json:"norms"`
}

type scheduleRun struct {
	BaseLR float64   `json:"base_lr"`
	Epochs int       `json:"epochs"`
	Iters  int       `json:"iters"`
	Warmup int       `json:"warmup"`
	LRs    []float64 `json:"lrs"`
}

func loadOptimFixture(t *testing.T) optimFixture {
	t.Helper()
	raw, err := os.ReadFile("testdata/optim_fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		SGD     optimRun    `json:"sgd"`
		AdamW   optimRun    `json:"adamw"`
		SGDClip optimRun    `json:"sgd_clip"`
		Step    scheduleRun `json:"step"`
		Cosine  scheduleRun `json:"cosine"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return optimFixture{f.SGD, f.AdamW, f.SGDClip, f.Step, f.Cosine}
}

// replay runs the fixture's steps: parameter "a" decays, "b" does not (the
// fixture's second param group has weight_decay 0).
func replay(t *testing.T, run optimRun, cfg OptimizerConfig, clip float64) {
	t.Helper()
	opt, err := NewOptimizer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	params := []*Param{
		{Name: "a", Data: append([]float32(nil), run.Init[0]...), Decay: true},
		{Name: "b", Data: append([]float32(nil), run.Init[1]...), Decay: false},
	}
	for s, grads := range run.Grads {
		for i, p := range params {
			p.Grad = append([]float32(nil), grads[i]...)
		}
		if clip > 0 {
			norm := ClipGradNorm(params, clip)
			if math.Abs(norm-run.Norms[s]) > 1e-5*run.Norms[s] {
				t.Fatalf("step %d: norm %v, torch %v", s, norm, run.Norms[s])
			}
		}
		opt.Step(params, run.LRs[s])
		for i, p := range params {
			for j, got := range p.Data {
				want := run.After[s][i][j]
				if d := math.Abs(float64(got - want)); d > 2e-6*math.Max(1, math.Abs(float64(want))) {
					t.Fatalf("%s step %d param %s[%d] = %.9g, torch %.9g", cfg.Kind, s, p.Name, j, got, want)
				}
			}
		}
	}
}

func TestSGDMatchesTorch(t *testing.T) {
	replay(t, loadOptimFixture(t).SGD, DefaultSGD(), 0)
}

func TestAdamWMatchesTorch(t *testing.T) {
	cfg := DefaultAdamW()
	cfg.WeightDecay = 0.05
	replay(t, loadOptimFixture(t).AdamW, cfg, 0)
}

func TestClipGradNormMatchesTorch(t *testing.T) {
	f := loadOptimFixture(t)
	if len(f.SGDClip.Norms) == 0 {
		t.Fatal("fixture has no clipped norms")
	}
	replay(t, f.SGDClip, DefaultSGD(), 1.5)
}

func TestClipGradNormLeavesSmallGradients(t *testing.T) {
	p := &Param{Name: "p", Grad: []float32{3, 4}}
	if n := ClipGradNorm([]*Param{p}, 10); n != 5 {
		t.Fatalf("norm %v, want 5", n)
	}
	if p.Grad[0] != 3 || p.Grad[1] != 4 {
		t.Fatalf("gradient changed to %v", p.Grad)
	}
	ClipGradNorm([]*Param{p}, 1)
	if got := math.Hypot(float64(p.Grad[0]), float64(p.Grad[1])); math.Abs(got-1) > 1e-6 {
		t.Fatalf("clipped norm %v, want 1", got)
	}
}

func TestOptimizerSkipsParamsWithoutGrad(t *testing.T) {
	opt, _ := NewOptimizer(DefaultSGD())
	p := &Param{Name: "frozen", Data: []float32{1, 2}, Decay: true}
	opt.Step([]*Param{p}, 0.1)
	if p.Data[0] != 1 || p.Data[1] != 2 {
		t.Fatalf("frozen param moved to %v", p.Data)
	}
}

func TestOptimizerConfigErrors(t *testing.T) {
	for _, cfg := range []OptimizerConfig{
		{Kind: "rmsprop"},
		{Kind: OptimizerSGD, Momentum: 1},
		{Kind: OptimizerSGD, Momentum: 0.9, WeightDecay: -1},
		{Kind: OptimizerAdamW, Beta1: 0.9, Beta2: 1, Eps: 1e-8},
		{Kind: OptimizerAdamW, Beta1: 0.9, Beta2: 0.999, Eps: 0},
		{Kind: OptimizerAdamW, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: math.NaN()},
	} {
		if _, err := NewOptimizer(cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}

func TestOptimizerStateRoundTrip(t *testing.T) {
	for _, cfg := range []OptimizerConfig{DefaultSGD(), DefaultAdamW()} {
		mk := func() []*Param {
			return []*Param{{Name: "w", Data: []float32{1, -2, 3}, Decay: true}, {Name: "b", Data: []float32{0.5}}}
		}
		grads := [][]float32{{0.1, 0.2, -0.3}, {1}}
		a, b := mk(), mk()
		oa, _ := NewOptimizer(cfg)
		for s := 0; s < 3; s++ {
			for i, p := range a {
				p.Grad = append([]float32(nil), grads[i]...)
			}
			oa.Step(a, 0.01)
		}
		// b copies a's weights and optimizer state, then both take two more steps.
		for i := range b {
			copy(b[i].Data, a[i].Data)
		}
		ob, _ := NewOptimizer(cfg)
		if err := ob.SetState(b, oa.Steps(), oa.StateTensors(a)); err != nil {
			t.Fatal(err)
		}
		for s := 0; s < 2; s++ {
			for i := range a {
				a[i].Grad = append([]float32(nil), grads[i]...)
				b[i].Grad = append([]float32(nil), grads[i]...)
			}
			oa.Step(a, 0.01)
			ob.Step(b, 0.01)
		}
		for i := range a {
			for j := range a[i].Data {
				if a[i].Data[j] != b[i].Data[j] {
					t.Fatalf("%s: restored run differs at %s[%d]: %v vs %v", cfg.Kind, a[i].Name, j, a[i].Data[j], b[i].Data[j])
				}
			}
		}
		// A buffer for an unknown parameter is an error.
		bad := oa.StateTensors(a)
		bad[0].Name += "x"
		if err := ob.SetState(b, 1, bad); err == nil {
			t.Errorf("%s: state for an unknown parameter accepted", cfg.Kind)
		}
	}
}
