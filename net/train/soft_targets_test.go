package train

import (
	"slices"
	"testing"
)

// stepGrads runs one step of b and returns its loss and every gradient.
func stepGrads(t *testing.T, n *Network, b *Batch) (Loss, [][]float32) {
	t.Helper()
	n.ZeroGrad()
	loss, err := n.Step(b)
	if err != nil {
		t.Fatal(err)
	}
	var g [][]float32
	for _, p := range n.Params() {
		g = append(g, slices.Clone(p.Grad))
	}
	return loss, g
}

// TestSoftTargets: a target scored 1 trains exactly as a hard one; a lower
// score changes only the class loss; and the soft loss's gradient through
// the whole network predicts its decrease along the gradient (the first
// order check of TestUpdatedWeightsAreUsed, a finite difference in the
// gradient's direction).
func TestSoftTargets(t *testing.T) {
	opts := DefaultOptions()
	opts.FreezeBackbone = -1
	n := tinyNetwork(t, tinyConfig(), opts)
	b := benchBatch(2, 128, 128, 2)
	hard, hardGrad := stepGrads(t, n, b)
	if hard.Foreground == 0 {
		t.Fatal("no foreground anchors: the soft targets would not be used")
	}
	for i := range b.Targets {
		for j := range b.Targets[i] {
			b.Targets[i][j].Score = 1
		}
	}
	one, oneGrad := stepGrads(t, n, b)
	if one != hard {
		t.Fatalf("score 1: loss %+v, hard targets %+v", one, hard)
	}
	for i := range hardGrad {
		if !slices.Equal(oneGrad[i], hardGrad[i]) {
			t.Fatalf("score 1: gradient of %s differs from the hard targets'", n.Params()[i].Name)
		}
	}
	for i := range b.Targets {
		for j := range b.Targets[i] {
			b.Targets[i][j].Score = 0.35 + 0.1*float32(j)
		}
	}
	soft, _ := stepGrads(t, n, b)
	if soft.Box != hard.Box || soft.Foreground != hard.Foreground || soft.Class == hard.Class {
		t.Fatalf("soft %+v, hard %+v: only the class loss should differ", soft, hard)
	}
	checkFirstOrderDecrease(t, n, b, soft)
}
