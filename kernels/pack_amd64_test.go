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

// TestPackARowsAmd64 checks the assembly 6-row interleave against the Go
// one, bit for bit, with an odd row stride and a guard band after dst.
func TestPackARowsAmd64(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	for _, mr := range []int{4, 6} {
		for _, k := range []int{1, 2, 5, 255, 256, 257, 600} {
			lda := k + 3
			a := make([]float32, (mr-1)*lda+k)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			got := make([]float32, mr*k+9)
			want := make([]float32, mr*k+9)
			for i := range got {
				got[i], want[i] = tileSentinel, tileSentinel
			}
			packARowsAmd64(got, mr, k, a, lda)
			packARowsGeneric(want, mr, mr, k, a, lda)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("mr=%d k=%d: panel[%d] = %g, want %g", mr, k, i, got[i], want[i])
				}
			}
		}
	}
}
