package quant

import (
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// Calibrate on a few random images, quantize, and compare the int8 head
// outputs with the float reference on a held-out image.
func TestInt8HeadsCloseToFloat(t *testing.T) {
	cfg, weights, err := net.ReadModelFile("../testdata/golden/basic_v1.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	a, err := newArch(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := kernels.NewEngine(kernels.Active(), 1)
	defer e.Close()
	r, err := newRefNet(a, weights, e)
	if err != nil {
		t.Fatal(err)
	}
	const h, w = 64, 96
	rng := rand.New(rand.NewSource(9))
	image := func() fmap {
		x := fmap{c: 3, h: h, w: w, data: make([]float32, 3*h*w)}
		for i := range x.data {
			x.data[i] = float32(rng.NormFloat64())
		}
		return x
	}
	obs := map[string]*Observer{}
	observe := func(k string, v []float32) {
		if obs[k] == nil {
			obs[k] = NewObserver()
		}
		obs[k].Observe(v)
	}
	for range 4 {
		r.forward(image(), observe)
	}
	params := map[string]QParams{}
	for k, o := range obs {
		if params[k], err = o.Params(RuleMinMax); err != nil {
			t.Fatal(err)
		}
	}
	m, err := build(cfg, r, params, e)
	if err != nil {
		t.Fatal(err)
	}
	x := image()
	fc, fb := r.forward(x, func(string, []float32) {})
	qc, qb := m.forward(x)
	for lv := range fc {
		dc, db := SQNR(fc[lv].data, qc[lv].data), SQNR(fb[lv].data, qb[lv].data)
		t.Logf("level %d: class logits %.1f dB, box deltas %.1f dB", lv, dc, db)
		if dc < 15 || db < 15 {
			t.Errorf("level %d: int8 heads too far from float (%.1f, %.1f dB)", lv, dc, db)
		}
	}
}
