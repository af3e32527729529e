package net

import (
	"fmt"
	"testing"
)

// planConfigs are tiny networks covering every plan layout: a basic
// backbone whose stage 0 runs in place on the pool's output, a bottleneck
// one whose stage 0 has a downsample (its own buffer), GroupNorm heads with
// P6 from C5.
func planConfigs() map[string]Config {
	cfgs := stagesConfigs()
	bn, _ := ResNetConfig("resnet50", 3)
	bn.Backbone, bn.StemWidth, bn.Widths, bn.BottleneckWidths = "custom", 4, [4]int{2, 3, 4, 4}, [4]int{2, 3, 4, 4}
	bn.FPNWidth, bn.HeadConvs, bn.Layers = 8, 1, [4]int{2, 1, 1, 1}
	cfgs["bottleneck"] = bn
	return cfgs
}

// Forward gives the same outputs bit for bit on 1 to 5 threads, with every
// im2col conv in one band or in bands of one output row and every Winograd
// conv in one block of output channels with its weights transformed once
// or in blocks of one panel transformed at run time, on the first call
// and on a second (the arena's shared buffers hold the first call's data).
// Sums never depend on the split: threads and bands divide the outputs,
// never a sum.
func TestForwardSameForThreadsAndBands(t *testing.T) {
	defer func(b, rows, keep int) {
		colBudget, winoBlockRows, winoKeepTransformed = b, rows, keep
	}(colBudget, winoBlockRows, winoKeepTransformed)
	const h, w = 72, 100
	in := randomInput(3 * h * w)
	for name, cfg := range planConfigs() {
		var want [][2][]float32
		for _, budget := range []int{1 << 30, 1} {
			colBudget, winoBlockRows, winoKeepTransformed = budget, budget, budget
			for threads := 1; threads <= 5; threads++ {
				m, err := NewInitializedModel(cfg, 11, threads)
				if err != nil {
					t.Fatal(err)
				}
				for run := range 2 {
					what := fmt.Sprintf("%s, %d threads, col budget %d, run %d", name, threads, budget, run)
					if want == nil {
						want = forwardCopy(t, m, h, w, in)
						continue
					}
					outs, err := m.Forward(1, h, w, in)
					if err != nil {
						t.Fatal(err)
					}
					sameOutputs(t, what, outs, want)
				}
				m.Close()
			}
		}
	}
}

// The arena lets buffers share memory only when their lifetimes do not
// meet, and takes the largest set live at once, here 10+4.
func TestArenaPlacesByLiveness(t *testing.T) {
	var a arena
	var x, y, z, u []float32
	a.add(&x, 10, 0, 1)
	a.add(&y, 4, 1, 2)
	a.add(&z, 8, 2, 3) // may share x's memory, not y's
	a.add(&u, 3, 3, 3) // with z only
	if got := a.place(); got != 14 {
		t.Fatalf("arena of %d floats, want 14", got)
	}
	a.alloc()
	// Writing one buffer shows in the other exactly when they share memory.
	overlap := func(p, q []float32) bool {
		clear(q)
		for i := range p {
			p[i] = 1
		}
		for _, v := range q {
			if v != 0 {
				return true
			}
		}
		return false
	}
	for _, c := range []struct {
		name string
		p, q []float32
	}{{"x, y", x, y}, {"y, z", y, z}, {"z, u", z, u}} {
		if overlap(c.p, c.q) {
			t.Errorf("%s are live together but share memory", c.name)
		}
	}
	if !overlap(x, z) {
		t.Error("x and z are never live together but do not share memory")
	}
	if len(x) != 10 || cap(x) != 10 || len(u) != 3 || cap(u) != 3 {
		t.Errorf("buffers of %d/%d and %d/%d floats, want 10/10 and 3/3", len(x), cap(x), len(u), cap(u))
	}
}

// A fresh model drawn tensor by tensor as it is built equals one built
// from InitialWeights' whole state_dict: the builder asks for the tensors
// in state_dict order (initSource panics otherwise).
func TestInitializedModelMatchesInitialWeights(t *testing.T) {
	const h, w = 64, 96
	in := randomInput(3 * h * w)
	for name, cfg := range planConfigs() {
		weights, err := InitialWeights(cfg, 12)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := NewModel(cfg, weights, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := forwardCopy(t, whole, h, w, in)
		whole.Close()
		drawn, err := NewInitializedModel(cfg, 12, 1)
		if err != nil {
			t.Fatal(err)
		}
		outs, err := drawn.Forward(1, h, w, in)
		if err != nil {
			t.Fatal(err)
		}
		sameOutputs(t, name, outs, want)
		drawn.Close()
	}
}
