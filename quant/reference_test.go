package quant

import (
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// The reference forward must reproduce package net's head outputs: it is
// what calibration observes and what the int8 model is compared against.
func TestReferenceMatchesNet(t *testing.T) {
	cfg, weights, err := net.ReadModelFile("../testdata/golden/basic_v1.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	m, err := net.NewModel(cfg, weights, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const h, w = 64, 96
	rng := rand.New(rand.NewSource(5))
	x := make([]float32, 3*h*w)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	want, err := m.Forward(1, h, w, x)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newArch(&cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := kernels.NewEngine(kernels.Active(), 1)
	defer e.Close()
	r, err := newRefNet(&cfg, a, weights, e)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	cls, box := r.forward(fmap{c: 3, h: h, w: w, data: x}, func(k string, v []float32) { seen[k] += len(v) })
	for lv := range want {
		if db := SQNR(want[lv].ClassLogits.Data, cls[lv].data); db < 80 {
			t.Errorf("level %d class logits: %.1f dB vs net", lv, db)
		}
		if db := SQNR(want[lv].BoxDeltas.Data, box[lv].data); db < 80 {
			t.Errorf("level %d box deltas: %.1f dB vs net", lv, db)
		}
	}
	keys := []string{net.InputActivation, a.Stem.Name}
	for l := range net.NumLevels {
		keys = append(keys, net.PyramidActivation(l), net.LevelActivation(a.ClsTower[0].Name, l), net.LevelActivation(a.BoxTower[0].Name, l))
	}
	for _, k := range keys {
		if seen[k] == 0 {
			t.Errorf("activation %s never observed", k)
		}
	}
}
