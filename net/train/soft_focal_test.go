package train

import (
	"math"
	"testing"
)

// TestSoftFocalLossFiniteDifferences checks softFocalLoss's derivative
// numerically, as TestFocalLossFiniteDifferences does focalLoss's.
func TestSoftFocalLossFiniteDifferences(t *testing.T) {
	for _, ag := range [][2]float64{{0.25, 2}, {-1, 2}, {0.6, 1.5}, {0.25, 1}} {
		for _, x := range []float64{-25, -6, -1.3, -0.2, 0, 0.4, 2.2, 7, 25} {
			for _, y := range []float64{0, 0.3, 0.55, 0.93, 1} {
				checkScalarGrad(t, x, func(x float64) (float64, float64) { return softFocalLoss(x, y, ag[0], ag[1]) },
					"alpha %g gamma %g x %g y %g", ag[0], ag[1], x, y)
			}
		}
	}
}

// TestSoftFocalLossHardEnds: at y = 1 and y = 0 the soft loss is
// torchvision's focal loss, value and gradient; in between it is least
// where the student's probability equals the target.
func TestSoftFocalLossHardEnds(t *testing.T) {
	for _, ag := range [][2]float64{{0.25, 2}, {-1, 2}, {0.6, 1.5}} {
		for _, x := range []float64{-25, -3, -0.2, 0, 0.4, 5, 25} {
			for _, tgt := range []bool{false, true} {
				y := 0.0
				if tgt {
					y = 1
				}
				wl, wg := focalLoss(x, tgt, ag[0], ag[1])
				l, g := softFocalLoss(x, y, ag[0], ag[1])
				if !closeTo(l, wl, 1e-12, 1e-300) || !closeTo(g, wg, 1e-12, 1e-300) {
					t.Errorf("alpha %g gamma %g x %g t %v: soft %g %g, focal %g %g", ag[0], ag[1], x, tgt, l, g, wl, wg)
				}
			}
		}
	}
	// y = sigmoid(0.4): the gradient vanishes at x = 0.4, is negative left of it and positive right.
	y := 1 / (1 + 0.6703200460356393)
	if _, g := softFocalLoss(0.4, y, 0.25, 2); math.Abs(g) > 1e-12 {
		t.Errorf("gradient at p = y: %g", g)
	}
	if _, g := softFocalLoss(0.3, y, 0.25, 2); !(g < 0) {
		t.Errorf("gradient left of p = y: %g", g)
	}
	if _, g := softFocalLoss(0.5, y, 0.25, 2); !(g > 0) {
		t.Errorf("gradient right of p = y: %g", g)
	}
}
