package retina

import (
	"testing"

	"github.com/retina-edge/retina/net"
)

// DefaultModel, decoding each tensor as it packs it, is the model of
// DefaultModelWeights' whole state_dict, output for output.
func TestDefaultModelMatchesWeights(t *testing.T) {
	cfg, weights, err := DefaultModelWeights()
	if err != nil {
		t.Fatal(err)
	}
	whole, err := net.NewModel(cfg, weights, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	lazy, err := DefaultModel(net.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	const h, w = 96, 128
	in := make([]float32, 3*h*w)
	for i := range in {
		in[i] = float32(i%97)/48 - 1
	}
	want, err := whole.Forward(1, h, w, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lazy.Forward(1, h, w, in)
	if err != nil {
		t.Fatal(err)
	}
	for l := range want {
		for k, pair := range [][2][]float32{{got[l].ClassLogits.Data, want[l].ClassLogits.Data}, {got[l].BoxDeltas.Data, want[l].BoxDeltas.Data}} {
			for i := range pair[1] {
				if pair[0][i] != pair[1][i] {
					t.Fatalf("P%d output %d differs at %d: %g, want %g", l+3, k, i, pair[0][i], pair[1][i])
				}
			}
		}
	}
}
