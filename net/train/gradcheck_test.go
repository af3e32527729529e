package train

import (
	"math"
	"math/rand"
	"testing"
)

// Finite-difference checks: every layer's backward (float32, as used in
// training) against central differences of a float64 reference forward of
// the scalar L = sum(r * f(x)) for a random r. The float64 differences
// with step fdStep are exact to ~1e-8, so the bound is set by float32
// rounding in the analytic gradient: fdTolerance relative to the largest
// gradient magnitude of each checked tensor.
const (
	fdStep      = 1e-6
	fdTolerance = 1e-4
)

// numericGrad returns dL/dx[i] for every i of x by central differences of
// loss, which must read x afresh on each call.
func numericGrad(x []float64, loss func() float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		old := x[i]
		x[i] = old + fdStep
		up := loss()
		x[i] = old - fdStep
		down := loss()
		x[i] = old
		g[i] = (up - down) / (2 * fdStep)
	}
	return g
}

// checkGrad compares an analytic float32 gradient with a numeric one.
func checkGrad(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d gradient values, want %d", what, len(got), len(want))
	}
	var scale float64
	for _, v := range want {
		scale = max(scale, math.Abs(v))
	}
	if scale == 0 {
		t.Fatalf("%s: numeric gradient is all zero: the check would prove nothing", what)
	}
	for i, v := range want {
		if d := math.Abs(float64(got[i]) - v); !(d <= fdTolerance*scale) {
			t.Fatalf("%s[%d]: analytic %g, numeric %g (|diff| %.3g > %.3g)", what, i, got[i], v, d, fdTolerance*scale)
		}
	}
}

// checkValues compares a float32 forward with the float64 reference.
func checkValues(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	var scale float64
	for _, v := range want {
		scale = max(scale, math.Abs(v))
	}
	for i, v := range want {
		if d := math.Abs(float64(got[i]) - v); !(d <= 1e-5*scale) {
			t.Fatalf("%s[%d]: got %g, want %g", what, i, got[i], v)
		}
	}
}

func randoms(rng *rand.Rand, n int, s float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = rng.NormFloat64() * s
	}
	return out
}

func to32(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func dot(a []float64, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
