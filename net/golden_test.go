package net

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net/safetensors"
)

// goldenModels are the fixtures tools/make_golden.py writes with torchvision.
var goldenModels = []string{"basic_v1", "bottleneck_v2"}

// goldenTolerance bounds |got-want| for each output tensor relative to
// that tensor's largest magnitude: float32 sums in a different order differ
// by a few ulps per layer, far below this.
const goldenTolerance = 1e-4

// goldenIO is a fixture's input and torchvision's raw head outputs.
type goldenIO struct {
	batch, h, w int
	input       []float32
	cls, box    [NumLevels]safetensors.Tensor
}

func readGoldenIO(t *testing.T, name string) goldenIO {
	t.Helper()
	f, err := safetensors.ReadFile(filepath.Join("..", "testdata", "golden", name+".io.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenIO
	in, ok := f.Get("input")
	if !ok {
		t.Fatal("no input tensor")
	}
	g.batch, g.h, g.w = in.Shape[0], in.Shape[2], in.Shape[3]
	if g.input, err = in.Float32s(); err != nil {
		t.Fatal(err)
	}
	for l := range NumLevels {
		c, ok1 := f.Get(fmt.Sprintf("cls_logits.%d", l))
		b, ok2 := f.Get(fmt.Sprintf("bbox_deltas.%d", l))
		if !ok1 || !ok2 {
			t.Fatalf("level %d outputs missing", l)
		}
		g.cls[l], g.box[l] = *c, *b
	}
	return g
}

// compareOutput checks one output tensor's shape and values.
func compareOutput(t *testing.T, what string, got Tensor, want safetensors.Tensor) {
	t.Helper()
	if got.Shape != [4]int(want.Shape) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape, want.Shape)
	}
	w, err := want.Float32s()
	if err != nil {
		t.Fatal(err)
	}
	var scale float64
	for _, v := range w {
		scale = max(scale, math.Abs(float64(v)))
	}
	worst, at := 0.0, 0
	for i, v := range w {
		if d := math.Abs(float64(got.Data[i]) - float64(v)); d > worst || d != d {
			worst, at = d, i
		}
	}
	if !(worst <= goldenTolerance*scale) {
		t.Errorf("%s: max |diff| %.3g at %d (got %g, want %g), allowed %.3g", what, worst, at, got.Data[at], w[at],
			goldenTolerance*scale)
	}
}

// TestGoldenForward runs every fixture with every kernel tier this CPU has,
// on one and two threads, against torchvision's raw head outputs.
func TestGoldenForward(t *testing.T) {
	for _, name := range goldenModels {
		g := readGoldenIO(t, name)
		for _, impl := range kernels.Tiers() {
			for _, threads := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/%s/%dT", name, impl.Name, threads), func(t *testing.T) {
					path := filepath.Join("..", "testdata", "golden", name+".safetensors")
					m, err := LoadModelFileWith(path, Options{Impl: impl, Threads: threads})
					if err != nil {
						t.Fatal(err)
					}
					defer m.Close()
					// Twice: the second run reuses the planned buffers.
					for range 2 {
						outs, err := m.Forward(g.batch, g.h, g.w, g.input)
						if err != nil {
							t.Fatal(err)
						}
						for l, o := range outs {
							compareOutput(t, fmt.Sprintf("P%d class logits", l+3), o.ClassLogits, g.cls[l])
							compareOutput(t, fmt.Sprintf("P%d box deltas", l+3), o.BoxDeltas, g.box[l])
						}
					}
				})
			}
		}
	}
}
