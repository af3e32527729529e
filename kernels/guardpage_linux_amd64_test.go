//go:build !purego

package kernels

import (
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// guardedFloats returns n float32s that end exactly where an inaccessible
// page begins, so any read or write past the slice faults.
func guardedFloats(t *testing.T, n int) []float32 {
	t.Helper()
	page := os.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	all := unsafe.Slice((*float32)(unsafe.Pointer(&mem[0])), page/4)
	return all[page/4-n:]
}

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
