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

func roundUp(a, b int) int { return ceilDiv(a, b) * b }
