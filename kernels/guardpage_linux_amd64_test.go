//go:build !purego

package kernels

import (
	"testing"
	"unsafe"
)

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

// TestGatherEvenRows8StaysInSlices: the stride-2 byte gather over rows,
// every line length around its 32-output blocks, the source exactly as
// long as the last line's last read and the destination as its last
// write, each against a guard page.
func TestGatherEvenRows8StaysInSlices(t *testing.T) {
	for _, im := range Int8Tiers() {
		if im.gatherEvenRows == nil {
			continue
		}
		for n := 1; n <= 100; n++ {
			for _, rows := range []int{1, 3} {
				lds, ldd := 2*n+3, n+1
				srcF := guardedFloats(t, ceilDiv((rows-1)*lds+2*n-1, 4))
				src := unsafe.Slice((*int8)(unsafe.Pointer(&srcF[0])), 4*len(srcF))
				src = src[len(src)-((rows-1)*lds+2*n-1):]
				dstF := guardedFloats(t, ceilDiv((rows-1)*ldd+n, 4))
				dst := unsafe.Slice((*int8)(unsafe.Pointer(&dstF[0])), 4*len(dstF))
				dst = dst[len(dst)-((rows-1)*ldd+n):]
				for i := range src {
					src[i] = int8(i*7 + 1)
				}
				for i := range dst {
					dst[i] = guard8
				}
				im.gatherEvenRows(dst, ldd, src, lds, n, rows)
				for r := range rows {
					for i := range ldd {
						at := r*ldd + i
						if at >= len(dst) {
							break
						}
						want := int8(guard8)
						if i < n {
							want = src[r*lds+2*i]
						}
						if dst[at] != want {
							t.Fatalf("%s: n %d rows %d: dst[%d][%d] = %d, want %d", im.Name, n, rows, r, i, dst[at], want)
						}
					}
				}
			}
		}
	}
}
