package net

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

// The observer sees every activation the int8 model gets parameters for,
// by the names arch.go declares, and observing leaves Forward's outputs
// bit for bit as they were.
func TestObserverReportsEveryActivation(t *testing.T) {
	for _, path := range []string{"../testdata/golden/basic_v1.safetensors", "../testdata/golden/bottleneck_v2.safetensors"} {
		cfg, weights, err := ReadModelFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewModel(cfg, weights, 1)
		if err != nil {
			t.Fatal(err)
		}
		const h, w = 64, 96
		x := randomSlice(rand.New(rand.NewSource(5)), 3*h*w)
		plain := headCopies(t, m, x, h, w)
		seen := map[string][]float32{}
		m.SetObserver(func(name string, v []float32) { seen[name] = slices.Clone(v) })
		observed := headCopies(t, m, x, h, w)
		m.Close()
		if !slices.Equal(plain, observed) {
			t.Errorf("%s: observing changed the head outputs", path)
		}
		a := m.arch
		want := []string{InputActivation, a.Stem.Name, a.Inner[2].Name, a.LateralSum(0), a.LateralSum(1)}
		for _, st := range a.Stages {
			for _, b := range st {
				want = append(want, b.Output())
				for _, c := range b.Convs {
					want = append(want, c.Name)
				}
				if b.Down != nil {
					want = append(want, b.Down.Name)
				}
			}
		}
		for i := range a.Inner {
			want = append(want, a.Inner[i].Name)
		}
		for l := range NumLevels {
			want = append(want, PyramidActivation(l))
			for i := range a.ClsTower {
				want = append(want, LevelActivation(a.ClsTower[i].Name, l), LevelActivation(a.BoxTower[i].Name, l))
			}
		}
		for _, name := range want {
			if len(seen[name]) == 0 {
				t.Errorf("%s: activation %s never observed", path, name)
			}
		}
		if cfg.Block != "basic" {
			continue
		}
		// A block without a downsample: relu(last conv + its input) is the
		// block's output, so the last conv's own output was observed
		// before the join.
		b0, b1 := a.Stages[0][0], a.Stages[0][1]
		conv, in, out := seen[b1.Convs[len(b1.Convs)-1].Name], seen[b0.Output()], seen[b1.Output()]
		for i := range out {
			if want := max(conv[i]+in[i], 0); math.Abs(float64(out[i]-want)) > 1e-4*max(1, math.Abs(float64(want))) {
				t.Fatalf("%s: %s[%d] = %g, relu(conv + identity) = %g", path, b1.Output(), i, out[i], want)
			}
		}
	}
}

// headCopies runs m and returns every head output, copied.
func headCopies(t *testing.T, m *Model, x []float32, h, w int) []float32 {
	t.Helper()
	outs, err := m.Forward(1, h, w, x)
	if err != nil {
		t.Fatal(err)
	}
	var all []float32
	for _, o := range outs {
		all = append(all, o.ClassLogits.Data...)
		all = append(all, o.BoxDeltas.Data...)
	}
	return all
}
