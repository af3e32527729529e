//go:build !purego

package kernels

import (
	"math/rand"
	"testing"
)

// TestPackBPanelsVector checks the vector bulk packer against the Go one,
// bit for bit, with a guard band after dst and an odd row stride.
func TestPackBPanelsVector(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, nr := range []int{16, 32, 48, 64} {
		for _, kc := range []int{0, 1, 2, 7, 128} {
			for _, panels := range []int{0, 1, 3} {
				for _, alpha := range []float32{1, -2.5} {
					ldb := panels*nr + 5
					b := make([]float32, kc*ldb)
					for i := range b {
						b[i] = float32(rng.NormFloat64())
					}
					size := panels * kc * nr
					got := make([]float32, size+11)
					want := make([]float32, size+11)
					for i := range got {
						got[i], want[i] = tileSentinel, tileSentinel
					}
					packBPanelsVector(got, nr, kc, panels, alpha, b, ldb)
					packBPanelsGeneric(want, nr, kc, panels, alpha, b, ldb)
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("nr=%d kc=%d panels=%d alpha=%g: dst[%d] = %g, want %g (packed size %d)",
								nr, kc, panels, alpha, i, got[i], want[i], size)
						}
					}
				}
			}
		}
	}
}
