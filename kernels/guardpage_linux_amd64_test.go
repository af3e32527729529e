//go:build !purego

package kernels

import "testing"

// TestSigmoidAsmStaysInSlices puts src and dst against a guard page: the
// masked tail must neither read nor write past either slice.
func TestSigmoidAsmStaysInSlices(t *testing.T) {
	for _, im := range asmTiers() {
		for n := 0; n <= 40; n++ {
			src := guardedFloats(t, n)
			dst := guardedFloats(t, n)
			for i := range src {
				src[i] = float32(i) - 20
			}
			im.sigmoid(dst, src)
			for i, x := range src {
				if d := float64(dst[i]) - sigmoidRef(x); d > 1e-6 || d < -1e-6 {
					t.Fatalf("%s: length %d: dst[%d] = %g for x = %g", im.Name, n, i, dst[i], x)
				}
			}
		}
	}
}

// TestGatherEvenAsmStaysInSlices: a source of exactly 2n-1 floats and n
// outputs, each against a guard page.
func TestGatherEvenAsmStaysInSlices(t *testing.T) {
	for _, im := range asmTiers() {
		for n := 1; n <= 40; n++ {
			src, dst := guardedFloats(t, 2*n-1), guardedFloats(t, n)
			for i := range src {
				src[i] = float32(i)
			}
			im.GatherEven(dst, src)
			for i, v := range dst {
				if v != float32(2*i) {
					t.Fatalf("%s: n %d: dst[%d] = %g", im.Name, n, i, v)
				}
			}
		}
	}
}
