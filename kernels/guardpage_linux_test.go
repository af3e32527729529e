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
	size := max(ceilDiv(4*n, page), 1) * page // the accessible pages
	mem, err := syscall.Mmap(-1, 0, size+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatalf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[size:], syscall.PROT_NONE); err != nil {
		t.Fatalf("mprotect: %v", err)
	}
	all := unsafe.Slice((*float32)(unsafe.Pointer(&mem[0])), size/4)
	return all[size/4-n:]
}

// TestWinogradAsmStaysInSlices: the transforms' rows, products and
// outputs each end at a guard page, as short as the contracts allow.
func TestWinogradAsmStaysInSlices(t *testing.T) {
	for _, im := range asmTiers() {
		for tw := 1; tw <= 40; tw++ {
			pw := WinogradRowWidth(tw)
			rows, out := guardedFloats(t, 4*pw), guardedFloats(t, 15*tw+tw)
			im.WinogradInputRow(rows, pw, tw, out, tw)
			m := guardedFloats(t, 15*tw+tw)
			row0, row1 := guardedFloats(t, 2*tw), guardedFloats(t, 2*tw)
			im.WinogradOutputRow(m, tw, tw, 0.5, true, true, row0, row1)
			for i, v := range row1 {
				if v != 0.5 { // zero products and rows: the bias
					t.Fatalf("%s: %d tiles: row1[%d] = %g, want the bias", im.Name, tw, i, v)
				}
			}
		}
	}
}

// TestWinograd4AsmStaysInSlices: the F(4x4) transforms' rows, products
// and outputs each end at a guard page, as short as the contracts allow.
func TestWinograd4AsmStaysInSlices(t *testing.T) {
	for _, im := range asmTiers() {
		for tw := 1; tw <= 40; tw++ {
			pw := Winograd4RowWidth(tw)
			rows, out := guardedFloats(t, 6*pw), guardedFloats(t, 35*tw+tw)
			im.Winograd4InputRow(rows, pw, tw, out, tw)
			m := guardedFloats(t, 35*tw+tw)
			dst := guardedFloats(t, 16*tw)
			im.Winograd4OutputRow(m, tw, tw, 0.5, true, true, dst, 4*tw)
			for i, v := range dst {
				if v != 0.5 { // zero products and rows: the bias
					t.Fatalf("%s: %d tiles: dst[%d] = %g, want the bias", im.Name, tw, i, v)
				}
			}
		}
	}
}
