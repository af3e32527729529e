package kernels

import "unsafe"

// sgemmTileGeneric is the pure-Go 4x4 micro-kernel of the generic tier,
// with the same contract as the assembly tiles: a is kc steps of 4 values,
// b is kc steps of 4 values, c is a 4x4 tile with row stride ldc. The 16
// accumulators are named locals so that the compiler keeps them in registers.
func sgemmTileGeneric(kc int, a, b, c *float32, ldc int, accumulate int) {
	as := unsafe.Slice(a, kc*4)
	bs := unsafe.Slice(b, kc*4)
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := 0; p+4 <= len(as) && p+4 <= len(bs); p += 4 {
		ap, bp := as[p:p+4:p+4], bs[p:p+4:p+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0, a1, a2, a3 := ap[0], ap[1], ap[2], ap[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	rows := [4][4]float32{{c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23}, {c30, c31, c32, c33}}
	for i := range rows {
		row := cs[i*ldc : i*ldc+4 : i*ldc+4]
		if accumulate != 0 {
			for j := range row {
				row[j] += rows[i][j]
			}
		} else {
			copy(row, rows[i][:])
		}
	}
}
