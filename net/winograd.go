package net

import "github.com/retina-edge/retina/kernels"

// Winograd F(2x2, 3x3) for the heads' 3x3, stride-1, pad-1 convs: each 2x2
// output tile comes from a 4x4 input tile d as Y = A^T [(G g G^T) ⊙ (B^T d B)] A,
// so the 16 elementwise products become 16 GEMMs of (out x in) by
// (in x tiles): 2.25x fewer multiplies than im2col + GEMM, and the
// transformed input is 4x the input instead of im2col's 9x.
//
//	B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//	G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//	A^T = [1 1 1 0; 0 1 -1 -1]
type winogradConv struct {
	oc, ic int
	u      [16]*kernels.PackedA // G g G^T at each of the 16 tile positions, oc x ic
}

// winogradFits reports a conv this file computes: 3x3, stride 1, pad 1.
func winogradFits(k, stride, pad int) bool { return k == 3 && stride == 1 && pad == 1 }

// newWinogradConv transforms oc x ic x 3 x 3 weights (in float64, rounded
// once) and packs them for impl.
func newWinogradConv(impl *kernels.Impl, weights []float32, oc, ic int) *winogradConv {
	w := &winogradConv{oc: oc, ic: ic}
	u := make([][]float32, 16)
	for i := range u {
		u[i] = make([]float32, oc*ic)
	}
	for o := range oc {
		for i := range ic {
			g := weights[(o*ic+i)*9 : (o*ic+i)*9+9]
			// t = G g (4x3), then t G^T (4x4).
			var t [4][3]float64
			for col := range 3 {
				g0, g1, g2 := float64(g[col]), float64(g[3+col]), float64(g[6+col])
				t[0][col] = g0
				t[1][col] = (g0 + g1 + g2) / 2
				t[2][col] = (g0 - g1 + g2) / 2
				t[3][col] = g2
			}
			for r := range 4 {
				t0, t1, t2 := t[r][0], t[r][1], t[r][2]
				row := [4]float64{t0, (t0 + t1 + t2) / 2, (t0 - t1 + t2) / 2, t2}
				for col, v := range row {
					u[r*4+col][o*ic+i] = float32(v)
				}
			}
		}
	}
	for i := range u {
		w.u[i] = kernels.PackA(impl, false, oc, ic, u[i], ic)
	}
	return w
}

// tileGrid places the 2x2 output tiles of every level side by side:
// level l has th[l] x tw[l] tiles starting at column off[l] of the
// transformed matrices, total columns in all.
type tileGrid struct {
	th, tw [NumLevels]int
	off    [NumLevels + 1]int
}

func (g *tileGrid) total() int { return g.off[NumLevels] }

func newTileGrid(h, w [NumLevels]int) tileGrid {
	var g tileGrid
	for l := range NumLevels {
		g.th[l], g.tw[l] = (h[l]+1)/2, (w[l]+1)/2
		g.off[l+1] = g.off[l] + g.th[l]*g.tw[l]
	}
	return g
}

// winogradInputRange writes B^T d B of every 4x4 input tile of src's
// channels [c0, c1) (one level, tiles starting at column off) into v with
// im's transform: position p's ic x total matrix is v[p*ic*total:], row c,
// column off + ty*tw + tx. rows is scratch of winogradRows(th, tw) floats:
// a channel's map zero-padded on every side to rows of
// kernels.WinogradRowWidth(tw), each input row copied once, so the
// transform needs no bounds logic. Threads share a transform by channel
// ranges.
func winogradInputRange(im *kernels.Impl, src planes, c0, c1 int, v []float32, total, off, th, tw int, rows []float32) {
	h, w := src.h, src.w
	stride := src.c * total
	pw := kernels.WinogradRowWidth(tw)
	rows = rows[:winogradRows(th, tw)]
	for c := c0; c < c1; c++ {
		in := src.plane(c)
		clear(rows[:pw]) // the row above the map
		for y := range h {
			buf := rows[(y+1)*pw : (y+2)*pw]
			buf[0] = 0
			copy(buf[1:], in[y*w:(y+1)*w])
			clear(buf[1+w:])
		}
		clear(rows[(h+1)*pw:]) // the rows below it
		for ty := range th {
			i := c*total + off + ty*tw
			im.WinogradInputRow(rows[2*ty*pw:], pw, tw, v[i:], stride)
		}
	}
}

// winogradRows is the padded map winogradInputRange needs for th x tw
// tiles: 2*th+2 rows.
func winogradRows(th, tw int) int { return (2*th + 2) * kernels.WinogradRowWidth(tw) }

// winogradOutputRange turns the 16 products of every tile of one level (m:
// position p's oc x total matrix at m[p*oc*total:]) into A^T M A with im's
// transform for output channels [o0, o1), adds what dst holds (with
// accumulate: a residual) and the bias, applies the ReLU if set and writes
// the 2x2 tiles into dst, cropped to its size. rows is scratch of at least
// 4*tw floats.
func winogradOutputRange(im *kernels.Impl, m []float32, total, off, th, tw int, bias []float32, relu, accumulate bool, dst planes, o0, o1 int, rows []float32) {
	h, w := dst.h, dst.w
	stride := dst.c * total
	// An odd-sized map's last tile column or row falls outside it: those
	// rows go through scratch rows of 2*tw.
	s0, s1 := rows[:2*tw], rows[2*tw:4*tw]
	for o := o0; o < o1; o++ {
		out := dst.plane(o)
		var b float32
		if bias != nil {
			b = bias[o]
		}
		for ty := range th {
			q := m[o*total+off+ty*tw:]
			y := 2 * ty
			row0 := out[y*w : (y+1)*w]
			if w%2 == 0 && y+1 < h {
				im.WinogradOutputRow(q, stride, tw, b, relu, accumulate, row0, out[(y+1)*w:(y+2)*w])
				continue
			}
			var row1 []float32
			if y+1 < h {
				row1 = out[(y+1)*w : (y+2)*w]
			}
			if accumulate {
				copy(s0, row0)
				copy(s1, row1)
			}
			im.WinogradOutputRow(q, stride, tw, b, relu, accumulate, s0, s1)
			copy(row0, s0)
			copy(row1, s1)
		}
	}
}

// products runs the 16 GEMMs: m[p] = U[p] * v[p] over total tile columns.
func (wc *winogradConv) products(e *kernels.Engine, v, m []float32, total int) {
	e.SgemmPackedBatch(wc.u[:], total, v, wc.ic*total, total, m, wc.oc*total, total)
}

// runWinograd computes c on one image's h x w map: src in, dst out (with
// accumulate, dst's values are added before the bias and ReLU).
func (c *conv) runWinograd(e *kernels.Engine, src, dst planes, sc *convScratch, accumulate bool) {
	th, tw := (src.h+1)/2, (src.w+1)/2
	j := &sc.wino
	*j = mapWinoJob{c: c, im: e.Impl(), src: src, dst: dst, sc: sc, th: th, tw: tw}
	e.ParallelRange(j, src.c)
	c.wino.products(e, sc.wv, sc.wm, th*tw)
	j.output, j.accumulate = true, accumulate
	e.ParallelRange(j, dst.c)
	*j = mapWinoJob{} // drop references to the maps
}

// winogradScratch is what runWinograd needs for an ic x h x w input and
// oc outputs: transformed input, products and padded rows.
func winogradScratch(ic, oc, h, w int) (v, m, rows int) {
	t := ((h + 1) / 2) * ((w + 1) / 2)
	return 16 * ic * t, 16 * oc * t, winogradRows((h+1)/2, (w+1)/2)
}
