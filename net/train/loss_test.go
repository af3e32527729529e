package train

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/safetensors"
)

func readLossCases(t *testing.T) *safetensors.File {
	t.Helper()
	f, err := safetensors.ReadFile(filepath.Join("..", "..", "testdata", "train", "losses.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func tensor(t *testing.T, f *safetensors.File, name string) []float32 {
	t.Helper()
	tn, ok := f.Get(name)
	if !ok {
		t.Fatalf("no tensor %s", name)
	}
	d, err := tn.Float32s()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// closeTo reports |got-want| <= tol*max(|want|, floor).
func closeTo(got, want, tol, floor float64) bool {
	return math.Abs(got-want) <= tol*max(math.Abs(want), floor)
}

// TestBoxLossesMatchTorchvision compares every _box_loss type's value and
// gradient per anchor with torchvision's (float32 there, float64 here).
func TestBoxLossesMatchTorchvision(t *testing.T) {
	f := readLossCases(t)
	anchors, gts, deltas := tensor(t, f, "anchors"), tensor(t, f, "gt"), tensor(t, f, "deltas")
	for _, tc := range []struct {
		file, kind string
		beta       float64
	}{{"l1", BoxLossL1, 0}, {"smooth_l1", BoxLossSmoothL1, 0.11}, {"smooth_l1_b0", BoxLossSmoothL1, 0},
		{"giou", BoxLossGIoU, 0}, {"diou", BoxLossDIoU, 0}, {"ciou", BoxLossCIoU, 0}} {
		want, wantGrad := tensor(t, f, "loss."+tc.file), tensor(t, f, "grad."+tc.file)
		for i := range want {
			var d [4]float64
			for j := range d {
				d[j] = float64(deltas[4*i+j])
			}
			l, g := boxLoss(tc.kind, tc.beta, d, boxes.Box(anchors[4*i:4*i+4]), boxes.Box(gts[4*i:4*i+4]))
			if !closeTo(l, float64(want[i]), 1e-4, 1e-3) {
				t.Errorf("%s anchor %d: loss %g, torchvision %g", tc.file, i, l, want[i])
			}
			for j := range g {
				if !closeTo(g[j], float64(wantGrad[4*i+j]), 1e-4, 1e-3) {
					t.Errorf("%s anchor %d: gradient %v, torchvision %v", tc.file, i, g, wantGrad[4*i:4*i+4])
					break
				}
			}
		}
	}
}

// TestFocalLossMatchesTorchvision compares sigmoid_focal_loss per logit,
// value and gradient, for several alpha (one disabled) and gamma. torch's
// float32 BCE computes log(1 + e) with e ~ 1e-4 for confident logits, good
// to ~1e-8 absolute only, hence the absolute floor of 1e-7 (1e-4 * 1e-3).
func TestFocalLossMatchesTorchvision(t *testing.T) {
	f := readLossCases(t)
	var params [][2]float64
	if err := json.Unmarshal([]byte(f.Metadata["focal"]), &params); err != nil {
		t.Fatal(err)
	}
	x, tg := tensor(t, f, "logits"), tensor(t, f, "targets")
	for c, ag := range params {
		want, wantGrad := tensor(t, f, fmt.Sprintf("focal.%d", c)), tensor(t, f, fmt.Sprintf("focal_grad.%d", c))
		for i := range x {
			l, g := focalLoss(float64(x[i]), tg[i] == 1, ag[0], ag[1])
			if !closeTo(l, float64(want[i]), 1e-4, 1e-3) || !closeTo(g, float64(wantGrad[i]), 1e-4, 1e-3) {
				t.Errorf("alpha %g gamma %g logit %g target %g: loss %g grad %g, torchvision %g %g",
					ag[0], ag[1], x[i], tg[i], l, g, want[i], wantGrad[i])
			}
		}
	}
}

// checkScalarGrad compares f's derivative at x with a central difference.
func checkScalarGrad(t *testing.T, x float64, f func(float64) (loss, grad float64), what string, args ...any) {
	t.Helper()
	_, g := f(x)
	up, _ := f(x + fdStep)
	down, _ := f(x - fdStep)
	if num := (up - down) / (2 * fdStep); !closeTo(g, num, 1e-5, 1e-8) {
		t.Errorf(what+": gradient %g, numeric %g", append(args, g, num)...)
	}
}

// TestFocalLossFiniteDifferences checks focalLoss's derivative numerically
// over a range of logits, including large ones where naive formulas fail.
func TestFocalLossFiniteDifferences(t *testing.T) {
	for _, ag := range [][2]float64{{0.25, 2}, {-1, 0}, {0.6, 1.5}, {0.25, 0.5}} {
		for _, x := range []float64{-25, -6, -1.3, -0.2, 0, 0.4, 2.2, 7, 25} {
			for _, tgt := range []bool{false, true} {
				checkScalarGrad(t, x, func(x float64) (float64, float64) { return focalLoss(x, tgt, ag[0], ag[1]) },
					"alpha %g gamma %g x %g t %v", ag[0], ag[1], x, tgt)
			}
		}
	}
}

// TestBoxLossFiniteDifferences checks every box loss's derivative
// numerically on random boxes (kinks of L1, clamping and min/max ties are
// measure-zero there). CIoU's alpha is computed under no_grad in
// torchvision, so its numeric derivative holds alpha at the base point.
// The absolute floor 1e-8 is above the differences' rounding noise (~1e-10).
func TestBoxLossFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for _, kind := range []string{BoxLossL1, BoxLossSmoothL1, BoxLossGIoU, BoxLossDIoU, BoxLossCIoU} {
		for trial := range 50 {
			cx, cy := rng.Float64()*100, rng.Float64()*100
			w, h := 10+rng.Float64()*50, 10+rng.Float64()*50
			anchor := boxes.Box{float32(cx - w/2), float32(cy - h/2), float32(cx + w/2), float32(cy + h/2)}
			gt := anchor
			for j := range gt {
				gt[j] += float32(rng.NormFloat64() * 8)
			}
			gt[2], gt[3] = max(gt[2], gt[0]+1), max(gt[3], gt[1]+1)
			var d [4]float64
			for j := range d {
				d[j] = rng.NormFloat64() * 0.3
			}
			l0, g := boxLoss(kind, 0.11, d, anchor, gt)
			f := func() float64 {
				l, _ := boxLoss(kind, 0.11, d, anchor, gt)
				return l
			}
			if kind == BoxLossCIoU {
				diou, _ := boxLoss(BoxLossDIoU, 0, d, anchor, gt)
				alpha := (l0 - diou) / ciouV(d, anchor, gt)
				f = func() float64 {
					diou, _ := boxLoss(BoxLossDIoU, 0, d, anchor, gt)
					return diou + alpha*ciouV(d, anchor, gt)
				}
			}
			for j := range d {
				old := d[j]
				d[j] = old + fdStep
				up := f()
				d[j] = old - fdStep
				down := f()
				d[j] = old
				if num := (up - down) / (2 * fdStep); !closeTo(g[j], num, 1e-5, 1e-3) {
					t.Errorf("%s trial %d delta %d: gradient %g, numeric %g", kind, trial, j, g[j], num)
				}
			}
		}
	}
}

// ciouV is complete_box_iou_loss's aspect-ratio term v of the decoded box.
func ciouV(d [4]float64, anchor, gt boxes.Box) float64 {
	p := decodeDual(d, anchor)
	w, h := p[2].v-p[0].v, p[3].v-p[1].v
	wg, hg := float64(gt[2]-gt[0]), float64(gt[3]-gt[1])
	a := math.Atan(wg/hg) - math.Atan(w/h)
	return 4 / (math.Pi * math.Pi) * a * a
}
