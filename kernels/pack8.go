package kernels

import (
	"fmt"
	"unsafe"
)

// PackedA8 is the int8 left operand laid out for one int8 tier: ceil(M/MR)
// panels; panel p holds K4/4 groups, each MR rows of four consecutive k
// values: data[p*MR*K4 + g*MR*4 + r*4 + t] = A[p*MR+r][4g+t], zero past M
// and past K. Tiers with wideA store each value as an int16 (two bytes,
// little-endian), so every offset doubles. RowSums[i] = sum_k A[i][k]
// (zero past M), for tiers that offset B (VNNI's +128) and for callers
// folding zero points into the bias.
type PackedA8 struct {
	impl    *Int8Impl
	M, K    int
	K4      int // K rounded up to a multiple of 4
	stride  int // bytes of data per row of A: K4, or 2*K4 with wideA
	data    []int8
	RowSums []int32
	minA    bool // some A value is -128
}

// Impl returns the int8 tier the panels were laid out for.
func (p *PackedA8) Impl() *Int8Impl { return p.impl }

// PackA8 lays out the row-major m x k int8 matrix a (row stride lda) for impl.
func PackA8(impl *Int8Impl, m, k int, a []int8, lda int) *PackedA8 {
	checkMatrix8("A", m, k, len(a), lda)
	k4 := ceilDiv(k, 4) * 4
	mp := ceilDiv(m, impl.MR) * impl.MR
	w := 1
	if impl.wideA {
		w = 2
	}
	p := &PackedA8{impl: impl, M: m, K: k, K4: k4, stride: k4 * w, data: make([]int8, mp*k4*w), RowSums: make([]int32, mp)}
	mr := impl.MR
	for i := 0; i < m; i++ {
		panel := p.data[i/mr*mr*p.stride:]
		r := i % mr
		var sum int32
		for kk, v := range a[i*lda : i*lda+k] {
			at := (kk/4*mr*4 + r*4 + kk%4) * w
			panel[at] = v
			if w == 2 {
				panel[at+1] = v >> 7 // the int16's high byte: its sign
			}
			sum += int32(v)
			p.minA = p.minA || v == -128
		}
		p.RowSums[i] = sum
	}
	return p
}

// packB8 writes columns j0..j0+cols of the k x n row-major b as one panel
// of nr columns for tier im: dst[g*nr*4 + c*4 + t] = b[4g+t][j0+c]
// (x^0x80 in place of x when im offsets B: unsigned bytes for VPDPBUSD),
// zero past cols. Rows past k pack as zero rows would (A is zero there, so
// their value never counts). stage is scratch of at least 4*nr values.
func packB8(im *Int8Impl, dst []int8, nr, k, j0, cols int, b []int8, ldb int, stage []int8) {
	k4 := ceilDiv(k, 4) * 4
	dst = dst[:k4*nr]
	var flip uint32
	if im.offsetB {
		flip = 0x80808080
	}
	words := unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(dst))), k4*nr/4)
	full, n4 := k/4, cols/4
	if im.packB8Groups != nil && n4 > 0 {
		// Whole groups of four rows, 4 columns at a time, in assembly; the
		// last, partial group from a copy padded with zero rows.
		if full > 0 {
			_ = b[(4*full-1)*ldb+j0+4*n4-1] // the last byte the assembly reads
			_ = words[(full-1)*nr+4*n4-1]
			im.packB8Groups(&words[0], &b[j0], ldb, full, n4, nr, flip)
		}
		if full*4 < k {
			stage = stage[:4*cols]
			for t := 0; t < 4; t++ {
				row := stage[t*cols : (t+1)*cols]
				if r := 4*full + t; r < k {
					copy(row, b[r*ldb+j0:r*ldb+j0+cols])
				} else {
					clear(row)
				}
			}
			im.packB8Groups(&words[full*nr], &stage[0], cols, 1, n4, nr, flip)
		}
	}
	c4 := 0
	if im.packB8Groups != nil {
		c4 = 4 * n4
	}
	for g := 0; g < k4/4; g++ {
		out := words[g*nr : g*nr+nr]
		for c := c4; c < cols; c++ {
			var w uint32
			for t := 0; t < 4 && 4*g+t < k; t++ {
				w |= uint32(uint8(b[(4*g+t)*ldb+j0+c])) << (8 * t)
			}
			out[c] = w ^ flip
		}
		clear(out[cols:])
	}
}

// checkMatrix8 panics when a buffer of n elements cannot hold a rows x cols
// matrix with row stride ld.
func checkMatrix8(name string, rows, cols, n, ld int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels: negative dimension for %s: %dx%d", name, rows, cols))
	}
	if ld < max(1, cols) {
		panic(fmt.Sprintf("kernels: leading dimension of %s is %d, less than its width %d", name, ld, cols))
	}
	if rows > 0 && cols > 0 && n < (rows-1)*ld+cols {
		panic(fmt.Sprintf("kernels: %s has %d elements, needs %d for %dx%d with stride %d", name, n, (rows-1)*ld+cols, rows, cols, ld))
	}
}
