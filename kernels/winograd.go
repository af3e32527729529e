package kernels

import "fmt"

// WinogradRowWidth is how many floats each of WinogradInputRow's four
// input rows must hold for tw tiles: the 2*tw+2 columns the tiles cover,
// rounded up so that a tier's vector loads of whole 16-tile blocks stay
// inside the row.
func WinogradRowWidth(tw int) int { return 2*roundUp(tw, 16) + 2 }

// WinogradInputRow is the input transform of Winograd F(2x2, 3x3) for one
// row of tw tiles. rows holds four input rows of pw floats each (pw >=
// WinogradRowWidth(tw)); tile tx is the 4x4 window d at columns 2tx..2tx+3,
// and (B^T d B)[i][j] goes to out[(4*i+j)*stride+tx]. Nothing else in out
// is written. Every tier computes B^T d first, then (B^T d) B, so all give
// the same bits.
func (im *Impl) WinogradInputRow(rows []float32, pw, tw int, out []float32, stride int) {
	if tw <= 0 {
		return
	}
	if pw < WinogradRowWidth(tw) || len(rows) < 4*pw {
		panic(fmt.Sprintf("kernels: WinogradInputRow: %d rows of width %d for %d tiles, want 4 of at least %d", len(rows)/max(pw, 1), pw, tw, WinogradRowWidth(tw)))
	}
	if stride < tw || len(out) < 15*stride+tw {
		panic(fmt.Sprintf("kernels: WinogradInputRow: output of %d floats with stride %d for %d tiles", len(out), stride, tw))
	}
	im.winogradInput(rows, pw, tw, out, stride)
}

// winogradInputGeneric is the reference transform.
func winogradInputGeneric(rows []float32, pw, tw int, out []float32, stride int) {
	winogradInputTiles(rows, pw, 0, tw, out, stride)
}

// winogradInputTiles transforms tiles [t0, t1) of the row: the reference,
// and the tail after a tier's whole vector blocks.
func winogradInputTiles(rows []float32, pw, t0, t1 int, out []float32, stride int) {
	r0, r1, r2, r3 := rows[:pw], rows[pw:2*pw], rows[2*pw:3*pw], rows[3*pw:4*pw]
	var o [16][]float32
	for q := range o {
		o[q] = out[q*stride : q*stride+t1]
	}
	for tx := t0; tx < t1; tx++ {
		j := 2 * tx
		d0, d1, d2, d3 := r0[j:j+4:j+4], r1[j:j+4:j+4], r2[j:j+4:j+4], r3[j:j+4:j+4]
		// t = B^T d, one column k at a time.
		t00, t10, t20, t30 := d0[0]-d2[0], d1[0]+d2[0], d2[0]-d1[0], d1[0]-d3[0]
		t01, t11, t21, t31 := d0[1]-d2[1], d1[1]+d2[1], d2[1]-d1[1], d1[1]-d3[1]
		t02, t12, t22, t32 := d0[2]-d2[2], d1[2]+d2[2], d2[2]-d1[2], d1[2]-d3[2]
		t03, t13, t23, t33 := d0[3]-d2[3], d1[3]+d2[3], d2[3]-d1[3], d1[3]-d3[3]
		// v = t B, one row at a time.
		o[0][tx], o[1][tx], o[2][tx], o[3][tx] = t00-t02, t01+t02, t02-t01, t01-t03
		o[4][tx], o[5][tx], o[6][tx], o[7][tx] = t10-t12, t11+t12, t12-t11, t11-t13
		o[8][tx], o[9][tx], o[10][tx], o[11][tx] = t20-t22, t21+t22, t22-t21, t21-t23
		o[12][tx], o[13][tx], o[14][tx], o[15][tx] = t30-t32, t31+t32, t32-t31, t31-t33
	}
}

// winogradInputBlocks runs a tier's kernel on whole blocks of n tiles and
// the reference on the rest.
func winogradInputBlocks(rows []float32, pw, tw int, out []float32, stride, n int,
	kernel func(rows *float32, pw, blocks int, out *float32, stride int)) {
	winogradBlocks(tw, n, func(blocks int) { kernel(&rows[0], pw, blocks, &out[0], stride) },
		func(t0 int) { winogradInputTiles(rows, pw, t0, tw, out, stride) })
}

// winogradBlocks is the block/tail split of a tier without partial blocks
// (NEON's F(2x2) transforms): kernel transforms the whole blocks of n
// tiles among tw, tail the tiles from t0, the first one after them.
func winogradBlocks(tw, n int, kernel func(blocks int), tail func(t0 int)) {
	if blocks := tw / n; blocks > 0 {
		kernel(blocks)
	}
	if t0 := tw / n * n; t0 < tw {
		tail(t0)
	}
}

func roundUp(a, b int) int { return ceilDiv(a, b) * b }

// Flags of the output transform's assembly.
const (
	winoAccumulate = 1 << iota
	winoReLU
)

// WinogradOutputRow is the output transform of Winograd F(2x2, 3x3) for one
// row of tw tiles. Tile tx's 16 products are m[k*stride+tx], k < 16; its
// 2x2 result Y = A^T M A + bias (plus what the rows hold, with accumulate;
// then 0 where negative, with relu, NaN kept) goes to row0[2tx],
// row0[2tx+1], row1[2tx] and row1[2tx+1]. Both rows hold at least 2*tw
// floats, of which only the first 2*tw are written. All tiers give the
// same bits.
func (im *Impl) WinogradOutputRow(m []float32, stride, tw int, bias float32, relu, accumulate bool, row0, row1 []float32) {
	if tw <= 0 {
		return
	}
	if stride < tw || len(m) < 15*stride+tw {
		panic(fmt.Sprintf("kernels: WinogradOutputRow: %d products with stride %d for %d tiles", len(m), stride, tw))
	}
	if len(row0) < 2*tw || len(row1) < 2*tw {
		panic(fmt.Sprintf("kernels: WinogradOutputRow: rows of %d and %d floats for %d tiles, want %d", len(row0), len(row1), tw, 2*tw))
	}
	flags := 0
	if accumulate {
		flags |= winoAccumulate
	}
	if relu {
		flags |= winoReLU
	}
	im.winogradOutput(m, stride, tw, bias, flags, row0, row1)
}

// winogradOutputGeneric is the reference output transform.
func winogradOutputGeneric(m []float32, stride, tw int, bias float32, flags int, row0, row1 []float32) {
	winogradOutputTiles(m, stride, 0, tw, bias, flags, row0, row1)
}

// winogradOutputTiles transforms tiles [t0, t1) of the row: the reference,
// and the tail after a tier's whole vector blocks.
func winogradOutputTiles(m []float32, stride, t0, t1 int, bias float32, flags int, row0, row1 []float32) {
	var q [16][]float32
	for k := range q {
		q[k] = m[k*stride : k*stride+t1]
	}
	acc, relu := flags&winoAccumulate != 0, flags&winoReLU != 0
	for tx := t0; tx < t1; tx++ {
		// s = A^T M, one column k at a time.
		s00 := q[0][tx] + q[4][tx] + q[8][tx]
		s01 := q[1][tx] + q[5][tx] + q[9][tx]
		s02 := q[2][tx] + q[6][tx] + q[10][tx]
		s03 := q[3][tx] + q[7][tx] + q[11][tx]
		s10 := q[4][tx] - q[8][tx] - q[12][tx]
		s11 := q[5][tx] - q[9][tx] - q[13][tx]
		s12 := q[6][tx] - q[10][tx] - q[14][tx]
		s13 := q[7][tx] - q[11][tx] - q[15][tx]
		y := [4]float32{s00 + s01 + s02 + bias, s01 - s02 - s03 + bias, s10 + s11 + s12 + bias, s11 - s12 - s13 + bias}
		x := 2 * tx
		r0, r1 := row0[x:x+2:x+2], row1[x:x+2:x+2]
		if acc {
			y[0], y[1], y[2], y[3] = y[0]+r0[0], y[1]+r0[1], y[2]+r1[0], y[3]+r1[1]
		}
		if relu {
			for i, v := range y {
				if v < 0 { // not max(v, 0): the SIMD tiers' max keeps -0 as -0
					y[i] = 0
				}
			}
		}
		r0[0], r0[1], r1[0], r1[1] = y[0], y[1], y[2], y[3]
	}
}

// winogradOutputBlocks runs a tier's kernel on whole blocks of n tiles and
// the reference on the rest.
func winogradOutputBlocks(m []float32, stride, tw int, bias float32, flags int, row0, row1 []float32, n int,
	kernel func(m *float32, stride, blocks int, bias float32, flags int, row0, row1 *float32)) {
	winogradBlocks(tw, n, func(blocks int) { kernel(&m[0], stride, blocks, bias, flags, &row0[0], &row1[0]) },
		func(t0 int) { winogradOutputTiles(m, stride, t0, tw, bias, flags, row0, row1) })
}
