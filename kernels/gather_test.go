package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGatherEvenTiers: every tier writes exactly src[2*i] into dst[:n] and
// nothing after it, for lengths around each tier's block (4, 8, 16), with
// a source of exactly 2n-1 floats at the end of a buffer (a vector read
// past it would show as a fault under the guard page test, and as a wrong
// value here if a tier took it in).
func TestGatherEvenTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 100} {
		for _, extra := range []int{0, 1, 40} { // source floats beyond the 2n-1 needed
			src := randSlice(rng, 2*n-1+extra)
			for _, im := range tiers {
				dst := randSlice(rng, n+5)
				guard := append([]float32(nil), dst[n:]...)
				im.GatherEven(dst[:n], src)
				for i := range n {
					if math.Float32bits(dst[i]) != math.Float32bits(src[2*i]) {
						t.Fatalf("%s, n %d, extra %d: dst[%d] = %g, want src[%d] = %g", im.Name, n, extra, i, dst[i], 2*i, src[2*i])
					}
				}
				for i, g := range guard {
					if math.Float32bits(dst[n+i]) != math.Float32bits(g) {
						t.Fatalf("%s, n %d: dst[%d] past the outputs changed", im.Name, n, n+i)
					}
				}
			}
		}
	}
}

// TestGatherEvenShortSourcePanics: a source shorter than 2n-1 is refused.
func TestGatherEvenShortSourcePanics(t *testing.T) {
	expectOwnPanic(t, "6 floats for 4 outputs", func() { generic.GatherEven(make([]float32, 4), make([]float32, 6)) })
}
