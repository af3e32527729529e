package train

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// goldenTolerance bounds the losses' relative error and each gradient
// tensor's max |diff| relative to its largest magnitude, against
// torchvision (float32 sums in another order and folded batch norms differ
// by ulps per layer, far below this).
const goldenTolerance = 1e-4

// goldenCase is one fixture of tools/make_train_fixtures.py.
type goldenCase struct {
	cfg     net.Config
	weights map[string]net.Param
	batch   Batch
	loss    [2]float64 // classification, bbox_regression
	grads   map[string][]float32
	boxLoss string
}

func readGoldenCase(t *testing.T, name string) goldenCase {
	t.Helper()
	dir := filepath.Join("..", "..", "testdata", "train")
	var g goldenCase
	var err error
	if g.cfg, g.weights, err = net.ReadModelFile(filepath.Join(dir, name+".safetensors")); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.ReadFile(filepath.Join(dir, name+".train.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	get := func(n string) ([]float32, []int) {
		tn, ok := f.Get(n)
		if !ok {
			t.Fatalf("%s: no tensor %s", name, n)
		}
		d, err := tn.Float32s()
		if err != nil {
			t.Fatal(err)
		}
		return d, tn.Shape
	}
	in, shape := get("input")
	g.batch = Batch{N: shape[0], H: shape[2], W: shape[3], Images: in}
	for i := range g.batch.N {
		bx, _ := get(fmt.Sprintf("boxes.%d", i))
		lb, _ := get(fmt.Sprintf("labels.%d", i))
		ts := []Target{}
		for j, c := range lb {
			ts = append(ts, Target{Box: [4]float32(bx[4*j : 4*j+4]), Class: int(c)})
		}
		g.batch.Targets = append(g.batch.Targets, ts)
	}
	l, _ := get("loss")
	g.loss = [2]float64{float64(l[0]), float64(l[1])}
	g.grads = map[string][]float32{}
	for _, tn := range f.Tensors {
		if name, ok := strings.CutPrefix(tn.Name, "grad."); ok {
			g.grads[name], _ = get(tn.Name)
		}
	}
	g.boxLoss = f.Metadata["box_loss"]
	return g
}

// TestGoldenLossAndGradients checks the losses and parameter gradients
// against torchvision's train-mode forward and backward, on one and two
// GEMM threads, twice per network (the second step reuses the buffers and
// must add the same gradients again).
func TestGoldenLossAndGradients(t *testing.T) {
	for _, name := range []string{"basic_v1_l1", "bottleneck_v2_giou"} {
		g := readGoldenCase(t, name)
		for _, threads := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%dT", name, threads), func(t *testing.T) {
				opts := DefaultOptions()
				opts.Threads, opts.FreezeBackbone, opts.BoxLoss = threads, -1, g.boxLoss
				n, err := NewNetwork(g.cfg, g.weights, opts)
				if err != nil {
					t.Fatal(err)
				}
				defer n.Close()
				params := map[string]*Param{}
				for _, p := range n.Params() {
					params[p.Name] = p
				}
				for step := 1; step <= 2; step++ {
					loss, err := n.Step(&g.batch)
					if err != nil {
						t.Fatal(err)
					}
					checkRel(t, "classification loss", loss.Class, g.loss[0])
					checkRel(t, "box loss", loss.Box, g.loss[1])
					checkRel(t, "total loss", loss.Total, g.loss[0]+g.loss[1])
					for pname, want := range g.grads {
						p, ok := params[pname]
						if !ok {
							t.Fatalf("%s is not a trainable parameter", pname)
						}
						compareGrad(t, pname, p.Grad, want, float32(step))
					}
				}
			})
		}
	}
}

func checkRel(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !(math.Abs(got-want) <= goldenTolerance*math.Abs(want)) {
		t.Errorf("%s: got %.8g, want %.8g (rel %.2g)", what, got, want, math.Abs(got-want)/math.Abs(want))
	}
}

// compareGrad checks got against times*want (gradients accumulate).
func compareGrad(t *testing.T, name string, got, want []float32, times float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d gradient values, want %d", name, len(got), len(want))
	}
	var scale float64
	for _, v := range want {
		scale = max(scale, math.Abs(float64(times*v)))
	}
	worst, at := 0.0, 0
	for i, v := range want {
		if d := math.Abs(float64(got[i]) - float64(times*v)); d > worst || d != d {
			worst, at = d, i
		}
	}
	if !(worst <= goldenTolerance*scale) || scale == 0 {
		t.Errorf("%s: max |diff| %.3g at %d (got %g, want %g), allowed %.3g", name, worst, at, got[at], times*want[at],
			goldenTolerance*scale)
	}
}
