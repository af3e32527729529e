//go:build !purego

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestPackBPanelsNEON: the NEON copy gives the generic copy's bits for odd
// and even kc, 0..5 panels, padded strides and alphas including 1, never
// writes past the panels, and other panel widths still pack correctly.
func TestPackBPanelsNEON(t *testing.T) {
	if fmt.Sprintf("%p", neonTier.packBPanels) != fmt.Sprintf("%p", packBPanelsNEON) {
		t.Fatal("the neon tier's packBPanels is not the NEON copy")
	}
	rng := rand.New(rand.NewPCG(41, 42))
	for _, nr := range []int{12, 4} {
		for _, kc := range []int{0, 1, 2, 3, 7, 8, 33, 288} {
			for panels := 0; panels <= 5; panels++ {
				for _, extra := range []int{0, 1, 13} {
					for _, alpha := range []float32{1, -0.5, 3} {
						ldb := panels*nr + extra
						b := randSlice(rng, max(kc*ldb, 1))
						if kc > 0 && panels > 0 {
							b[0] = float32(math.Inf(-1))
							b[len(b)-1-extra] = float32(math.NaN())
						}
						const trail = 7
						want := make([]float32, panels*kc*nr+trail)
						got := make([]float32, panels*kc*nr+trail)
						for i := range got {
							got[i], want[i] = neonSentinel, neonSentinel
						}
						packBPanelsGeneric(want, nr, kc, panels, alpha, b, ldb)
						packBPanelsNEON(got, nr, kc, panels, alpha, b, ldb)
						for i := range got {
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) &&
								!(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
								t.Fatalf("nr=%d kc=%d panels=%d ldb=%d alpha=%g: dst[%d] = %g, want %g",
									nr, kc, panels, ldb, alpha, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

// BenchmarkPackBNEON packs a KC x NC block of B as the neon tier does.
func BenchmarkPackBNEON(b *testing.B) {
	im := neonTier
	n := im.NC
	src := randSlice(rand.New(rand.NewPCG(43, 44)), im.KC*n)
	dst := make([]float32, im.KC*n)
	b.SetBytes(int64(4 * len(dst)))
	for i := 0; i < b.N; i++ {
		packB(im, dst, false, 0, im.KC, 0, n, 1, src, n)
	}
}
