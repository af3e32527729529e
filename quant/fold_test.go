package quant

import (
	"math"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
)

func TestFoldLayerHandComputed(t *testing.T) {
	s := net.ArchConv{Name: "c", BN: "bn", OutC: 2, InC: 1, K: 1, Stride: 1}
	w := map[string]net.Param{
		"c.weight":        {Shape: []int{2, 1, 1, 1}, Data: []float32{2, -1}},
		"bn.weight":       {Data: []float32{3, 1}},
		"bn.bias":         {Data: []float32{0.5, 0}},
		"bn.running_mean": {Data: []float32{1, -2}},
		"bn.running_var":  {Data: []float32{4 - 1e-5, 1 - 1e-5}},
	}
	l, err := foldLayer(s, w)
	if err != nil {
		t.Fatal(err)
	}
	// channel 0: s = 3/2: w 3, b (0-1)*1.5+0.5 = -1; channel 1: s = 1: w -1, b 2.
	want := []float32{3, -1, -1, 2}
	got := []float32{l.w[0], l.w[1], l.b[0], l.b[1]}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("folded %v, want %v", got, want)
		}
	}
	delete(w, "bn.running_var")
	if _, err := foldLayer(s, w); err == nil || !strings.Contains(err.Error(), "bn.running_var missing") {
		t.Errorf("missing running_var: %v", err)
	}
	w["c.weight"] = net.Param{Data: []float32{1}}
	if _, err := foldLayer(s, w); err == nil || !strings.Contains(err.Error(), "c.weight has 1 values") {
		t.Errorf("short weight: %v", err)
	}
}
