package quant

import (
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
)

// spreadCalibrator calibrates the golden model with P6's conv scaled by f
// and P7's by f again, so that the levels' ranges differ as a torchvision
// model's do (f = 8: P5 +-9, P6 +-60, P7 +-240).
func spreadCalibrator(t *testing.T, f float32) *Calibrator {
	t.Helper()
	cfg, weights, err := net.ReadModelFile("../testdata/golden/basic_v1.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	a, err := newArch(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{a.P6.Name + ".weight", a.P6.Name + ".bias", a.P7.Name + ".weight"} {
		p := weights[name]
		p.Data = append([]float32(nil), p.Data...)
		for i := range p.Data {
			p.Data[i] *= f
		}
		weights[name] = p
	}
	c, err := NewCalibrator(cfg, weights, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(9))
	for range 3 {
		if err := c.Add(randomImage(rng, 192, 256)); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// spreadModel is spreadCalibrator(t, 8) and its per-level minmax model,
// closed when the test ends.
func spreadModel(t *testing.T) (*Calibrator, *Model) {
	c := spreadCalibrator(t, 8)
	m, _, err := c.Quantize(RuleMinMax)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return c, m
}

// sharedModel is the model of one set of parameters for all levels (what
// the int8 model had before per-level parameters): each level key gets
// the min/max range of all its levels together.
func sharedModel(t *testing.T, c *Calibrator) *Model {
	t.Helper()
	union := map[string]*Observer{}
	for _, k := range c.order {
		base := levelBase(k)
		o := union[base]
		if o == nil {
			o = NewObserver()
			union[base] = o
		}
		lo, hi := c.obs[k].Min, c.obs[k].Max
		o.Observe([]float32{float32(lo), float32(hi)})
	}
	act := map[string]QParams{}
	for _, k := range c.order {
		p, err := union[levelBase(k)].Params(RuleMinMax)
		if err != nil {
			t.Fatal(err)
		}
		act[k] = p
	}
	m, err := assemble(c.cfg, c.arch, &calibrated{layers: c.layers, act: act}, c.engine)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// levelBase is the key k names per level, or k.
func levelBase(k string) string {
	for l := range net.NumLevels {
		if base, ok := strings.CutSuffix(k, "."+net.LevelName(l)); ok {
			return base
		}
	}
	return k
}

// Levels of very different ranges get their own parameters, each from its
// own range, and the int8 heads track the float ones better than with one
// set shared by all levels, on every level.
func TestPerLevelParamsFollowTheirRange(t *testing.T) {
	c, m := spreadModel(t)
	written := [net.NumLevels]QParams{m.layer[0].Out, m.layer[1].Out, m.layer[2].Out, m.p6.Out, m.p7.Out}
	lo, hi := math.Inf(1), 0.0
	for l, p := range written {
		if want := ownParams(t, c, net.PyramidActivation(l)); p != want || m.cls.tower[0].conv[l].In != p || m.box.tower[0].conv[l].In != p {
			t.Errorf("%s: written %+v, read %+v, its own range gives %+v", net.LevelName(l), p, m.cls.tower[0].conv[l].In, want)
		}
		lo, hi = min(lo, float64(p.Scale)), max(hi, float64(p.Scale))
	}
	if m.p6.In != written[2] || m.p7.In != written[3] {
		t.Errorf("P6 reads %+v (P5 is %+v), P7 reads %+v (P6 is %+v)", m.p6.In, written[2], m.p7.In, written[3])
	}
	if hi < 10*lo {
		t.Errorf("level scales span only %g..%g: the test needs levels of very different ranges", lo, hi)
	}
	for _, h := range []qhead{m.cls, m.box} {
		for _, tl := range h.tower {
			for l, lc := range tl.conv {
				if want := ownParams(t, c, net.LevelActivation(lc.Name, l)); lc.Out != want {
					t.Errorf("%s %s writes %+v, its own range gives %+v", lc.Name, net.LevelName(l), lc.Out, want)
				}
			}
		}
	}
	shared := sharedModel(t, c)
	img := randomImage(rand.New(rand.NewSource(1)), 192, 256)
	cls, box := compareHeads(t, c, m, img)
	scls, sbox := compareHeads(t, c, shared, img)
	// Measured: per level 7-16 dB better on every level, 17.6-33.8 dB.
	for l := range net.NumLevels {
		t.Logf("%s: per level %.1f / %.1f dB, shared %.1f / %.1f dB (class logits / box deltas)", net.LevelName(l), cls[l], box[l], scls[l], sbox[l])
		if min(cls[l], box[l]) < 15 || cls[l] < scls[l]+3 || box[l] < sbox[l]+3 {
			t.Errorf("%s: per-level int8 heads not clearly closer to float than shared", net.LevelName(l))
		}
	}
}

// ownParams is what rule minmax gives the activation key on its own.
func ownParams(t *testing.T, c *Calibrator, key string) QParams {
	t.Helper()
	p, err := c.obs[key].Params(RuleMinMax)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
