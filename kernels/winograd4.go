package kernels

import "fmt"

// Winograd F(4x4, 3x3) with the interpolation points 0, 1, -1, 2, -2 and
// infinity, scaled so that every fraction is in G (the weight transform,
// done once in float64 by the caller): B^T and A^T then hold only
// integers, and their multiplies are by 2, 4 and 8 (5x is 4x + x), exact
// in float32, so the only roundings on the per-frame side are the adds
// (and a fused multiply-add gives the same bits as a multiply then an add).
//
//	B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0;
//	       0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//	A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
//
// Every tier transforms the rows first (d B, then B^T (d B); M A, then
// A^T (M A)) with the operation order of bt6 and at6, so all give the
// same bits.

// Winograd4RowWidth is how many floats each of Winograd4InputRow's six
// input rows must hold for tw tiles: the 4*tw+2 columns the tiles cover,
// rounded up so that a tier's vector loads of whole 16-tile blocks (and
// NEON's second, shifted load) stay inside the row.
func Winograd4RowWidth(tw int) int { return 4*roundUp(tw, 16) + 4 }

// Winograd4InputRow is the input transform of Winograd F(4x4, 3x3) for
// one row of tw tiles. rows holds six input rows of pw floats each (pw >=
// Winograd4RowWidth(tw)); tile tx is the 6x6 window d at columns
// 4tx..4tx+5, and (B^T d B)[i][j] goes to out[(6*i+j)*stride+tx]. Nothing
// else in out is written (a tier may use those 36 places as scratch
// before it writes them).
func (im *Impl) Winograd4InputRow(rows []float32, pw, tw int, out []float32, stride int) {
	if tw <= 0 {
		return
	}
	if pw < Winograd4RowWidth(tw) || len(rows) < 6*pw {
		panic(fmt.Sprintf("kernels: Winograd4InputRow: %d rows of width %d for %d tiles, want 6 of at least %d", len(rows)/max(pw, 1), pw, tw, Winograd4RowWidth(tw)))
	}
	if stride < tw || len(out) < 35*stride+tw {
		panic(fmt.Sprintf("kernels: Winograd4InputRow: output of %d floats with stride %d for %d tiles", len(out), stride, tw))
	}
	im.winograd4Input(rows, pw, tw, out, stride)
}

// bt6 is one column (or row) of B^T x.
func bt6(x0, x1, x2, x3, x4, x5 float32) (y0, y1, y2, y3, y4, y5 float32) {
	y0 = (x4 - x2) + 4*(x0-x2)
	y1 = (x3 + x4) - 4*(x1+x2)
	y2 = (x4 - x3) + 4*(x1-x2)
	y3 = (x4 - x2) + 2*(x3-x1)
	y4 = (x4 - x2) - 2*(x3-x1)
	y5 = (x5 - x3) + 4*(x1-x3)
	return
}

// at6 is one column (or row) of A^T x.
func at6(x0, x1, x2, x3, x4, x5 float32) (y0, y1, y2, y3 float32) {
	a, b := x1+x2, x1-x2
	c, d := x3+x4, x3-x4
	return (x0 + a) + c, b + 2*d, a + 4*c, (b + 8*d) + x5
}

// winograd4InputGeneric is the reference transform.
func winograd4InputGeneric(rows []float32, pw, tw int, out []float32, stride int) {
	for tx := range tw {
		var t [6][6]float32 // t = d B, one input row at a time
		for r := range 6 {
			d := rows[r*pw+4*tx : r*pw+4*tx+6 : r*pw+4*tx+6]
			t[r][0], t[r][1], t[r][2], t[r][3], t[r][4], t[r][5] = bt6(d[0], d[1], d[2], d[3], d[4], d[5])
		}
		for j := range 6 { // out = B^T t, one column at a time
			y0, y1, y2, y3, y4, y5 := bt6(t[0][j], t[1][j], t[2][j], t[3][j], t[4][j], t[5][j])
			out[j*stride+tx] = y0
			out[(6+j)*stride+tx] = y1
			out[(12+j)*stride+tx] = y2
			out[(18+j)*stride+tx] = y3
			out[(24+j)*stride+tx] = y4
			out[(30+j)*stride+tx] = y5
		}
	}
}

// Winograd4OutputRow is the output transform of Winograd F(4x4, 3x3) for
// one row of tw tiles. Tile tx's 36 products are m[k*stride+tx], k < 36;
// its 4x4 result Y = A^T M A + bias (plus what dst holds, with accumulate;
// then 0 where negative, with relu, NaN kept) goes to dst[i*ld+4tx+j].
// dst holds four rows of ld >= 4*tw floats, of which only the first 4*tw
// of each are written. All tiers give the same bits.
func (im *Impl) Winograd4OutputRow(m []float32, stride, tw int, bias float32, relu, accumulate bool, dst []float32, ld int) {
	if tw <= 0 {
		return
	}
	if stride < tw || len(m) < 35*stride+tw {
		panic(fmt.Sprintf("kernels: Winograd4OutputRow: %d products with stride %d for %d tiles", len(m), stride, tw))
	}
	if ld < 4*tw || len(dst) < 3*ld+4*tw {
		panic(fmt.Sprintf("kernels: Winograd4OutputRow: output of %d floats with row stride %d for %d tiles, want 4 rows of %d", len(dst), ld, tw, 4*tw))
	}
	flags := 0
	if accumulate {
		flags |= winoAccumulate
	}
	if relu {
		flags |= winoReLU
	}
	im.winograd4Output(m, stride, tw, bias, flags, dst, ld)
}

// winograd4OutputGeneric is the reference output transform.
func winograd4OutputGeneric(m []float32, stride, tw int, bias float32, flags int, dst []float32, ld int) {
	acc, relu := flags&winoAccumulate != 0, flags&winoReLU != 0
	q := func(k, tx int) float32 { return m[k*stride+tx] }
	for tx := range tw {
		var h [6][4]float32 // h = M A, one row of M at a time
		for r := range 6 {
			k := 6 * r
			h[r][0], h[r][1], h[r][2], h[r][3] = at6(q(k, tx), q(k+1, tx), q(k+2, tx), q(k+3, tx), q(k+4, tx), q(k+5, tx))
		}
		for j := range 4 { // Y = A^T h, one column at a time
			var y [4]float32
			y[0], y[1], y[2], y[3] = at6(h[0][j], h[1][j], h[2][j], h[3][j], h[4][j], h[5][j])
			for i, v := range y {
				v += bias
				at := &dst[i*ld+4*tx+j]
				if acc {
					v += *at
				}
				if relu && v < 0 { // not max(v, 0): the SIMD tiers' max keeps -0 as -0
					v = 0
				}
				*at = v
			}
		}
	}
}
