package net

import "github.com/retina-edge/retina/kernels"

// Winograd F(2x2, 3x3) and F(4x4, 3x3) for 3x3, stride-1, pad-1 convs:
// each t x t output tile (t = 2 or 4) comes from an n x n input tile d (n
// = t+2) as Y = A^T [(G g G^T) ⊙ (B^T d B)] A, so the n*n elementwise
// products become n*n GEMMs of (out x in) by (in x tiles). F(2x2) does
// 2.25x fewer multiplies than im2col + GEMM with a transformed input 4x
// the input; F(4x4) 4x fewer with 2.25x. Which convs use which is
// winogradTileFor's table.
//
// F(2x2):
//
//	B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
//	G   = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//	A^T = [1 1 1 0; 0 1 -1 -1]
//
// F(4x4) (points 0, 1, -1, 2, -2, infinity; B^T and A^T are in
// kernels/winograd4.go, all the fractions are here in G):
//
//	G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6;
//	     1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
type winogradConv struct {
	oc, ic int
	tile   int                // output tile side: 2 or 4
	u      []*kernels.PackedA // G g G^T at each of the n*n tile positions, oc x ic
}

// winogradFits reports a conv this file computes: 3x3, stride 1, pad 1.
func winogradFits(k, stride, pad int) bool { return k == 3 && stride == 1 && pad == 1 }

// winoPositions is the number of GEMMs of an F(tile x tile, 3x3) conv.
func winoPositions(tile int) int { return (tile + 2) * (tile + 2) }

// winoG is G applied to one column (or row) g0, g1, g2 of a 3x3 kernel:
// the first tile+2 values.
func winoG(tile int, g0, g1, g2 float64) [6]float64 {
	if tile == 2 {
		return [6]float64{g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2}
	}
	return [6]float64{g0 / 4, -(g0 + g1 + g2) / 6, -(g0 - g1 + g2) / 6,
		(g0 + 2*g1 + 4*g2) / 24, (g0 - 2*g1 + 4*g2) / 24, g2}
}

// newWinogradConv transforms oc x ic x 3 x 3 weights for F(tile x tile,
// 3x3) (in float64, rounded once) and packs them for impl, one row of
// positions at a time, so that the unpacked transform needs only n
// matrices of scratch, not n*n.
func newWinogradConv(impl *kernels.Impl, weights []float32, oc, ic, tile int) *winogradConv {
	n := tile + 2
	w := &winogradConv{oc: oc, ic: ic, tile: tile, u: make([]*kernels.PackedA, n*n)}
	u := make([]float32, n*oc*ic) // position (r, col)'s matrix at u[col*oc*ic:]
	for r := range n {
		for o := range oc {
			for i := range ic {
				g := weights[(o*ic+i)*9 : (o*ic+i)*9+9]
				// Row r of t = G g (n x 3), then of t G^T (n x n).
				var t [3]float64
				for col := range 3 {
					t[col] = winoG(tile, float64(g[col]), float64(g[3+col]), float64(g[6+col]))[r]
				}
				row := winoG(tile, t[0], t[1], t[2])
				for col := range n {
					u[col*oc*ic+o*ic+i] = float32(row[col])
				}
			}
		}
		for col := range n {
			w.u[r*n+col] = kernels.PackA(impl, false, oc, ic, u[col*oc*ic:(col+1)*oc*ic], ic)
		}
	}
	return w
}

// tileGrid places the tile x tile output tiles of every level side by
// side: level l has th[l] x tw[l] tiles starting at column off[l] of the
// transformed matrices, total columns in all.
type tileGrid struct {
	tile   int
	th, tw [NumLevels]int
	off    [NumLevels + 1]int
}

func (g *tileGrid) total() int { return g.off[NumLevels] }

func newTileGrid(h, w [NumLevels]int, tile int) tileGrid {
	g := tileGrid{tile: tile}
	for l := range NumLevels {
		g.th[l], g.tw[l] = ceilDiv(h[l], tile), ceilDiv(w[l], tile)
		g.off[l+1] = g.off[l] + g.th[l]*g.tw[l]
	}
	return g
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// winoRowWidth is the padded row width the input transform of tw tiles
// needs.
func winoRowWidth(tile, tw int) int {
	if tile == 2 {
		return kernels.WinogradRowWidth(tw)
	}
	return kernels.Winograd4RowWidth(tw)
}

// winogradInputRange writes B^T d B of every input tile of src's channels
// [c0, c1) (one level, tiles starting at column off) into v with im's
// transform: position p's ic x total matrix is v[p*ic*total:], row c,
// column off + ty*tw + tx. rows is scratch of winogradRows(tile, th, tw)
// floats: a channel's map zero-padded on every side to rows of
// winoRowWidth(tile, tw), each input row copied once, so the transform
// needs no bounds logic. Threads share a transform by channel ranges.
func winogradInputRange(im *kernels.Impl, src planes, c0, c1 int, v []float32, tile, total, off, th, tw int, rows []float32) {
	h, w := src.h, src.w
	stride := src.c * total
	pw := winoRowWidth(tile, tw)
	rows = rows[:winogradRows(tile, th, tw)]
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
			if tile == 2 {
				im.WinogradInputRow(rows[2*ty*pw:], pw, tw, v[i:], stride)
			} else {
				im.Winograd4InputRow(rows[4*ty*pw:], pw, tw, v[i:], stride)
			}
		}
	}
}

// winogradRows is the padded map winogradInputRange needs for th x tw
// tiles: tile*th+2 rows. It also holds the output transform's tile rows.
func winogradRows(tile, th, tw int) int { return (tile*th + 2) * winoRowWidth(tile, tw) }

// winogradOutputRange turns the products of every tile of one level (m:
// position p's oc x total matrix at m[p*oc*total:]) into A^T M A with im's
// transform for output channels [o0, o1), adds what dst holds (with
// accumulate: a residual) and the bias, applies the ReLU if set and writes
// the tiles into dst, cropped to its size. rows is scratch of at least
// tile*tile*tw floats.
func winogradOutputRange(im *kernels.Impl, m []float32, tile, total, off, th, tw int, bias []float32, relu, accumulate bool, dst planes, o0, o1 int, rows []float32) {
	h, w := dst.h, dst.w
	stride := dst.c * total
	// Where the map's last tile column or row falls outside it, the tile
	// row goes through tile scratch rows of tile*tw.
	ld := tile * tw
	s := rows[:tile*ld]
	for o := o0; o < o1; o++ {
		out := dst.plane(o)
		var b float32
		if bias != nil {
			b = bias[o]
		}
		for ty := range th {
			q := m[o*total+off+ty*tw:]
			y := tile * ty
			n := min(tile, h-y) // rows of the map this tile row covers
			if w%tile == 0 && n == tile {
				winoOutputRow(im, tile, q, stride, tw, b, relu, accumulate, out[y*w:], w)
				continue
			}
			if accumulate {
				for r := range n {
					copy(s[r*ld:], out[(y+r)*w:(y+r+1)*w])
				}
			}
			winoOutputRow(im, tile, q, stride, tw, b, relu, accumulate, s, ld)
			for r := range n {
				copy(out[(y+r)*w:(y+r+1)*w], s[r*ld:])
			}
		}
	}
}

// winoOutputRow is im's output transform of one tile row into dst's rows
// of ld floats.
func winoOutputRow(im *kernels.Impl, tile int, q []float32, stride, tw int, b float32, relu, accumulate bool, dst []float32, ld int) {
	if tile == 2 {
		im.WinogradOutputRow(q, stride, tw, b, relu, accumulate, dst[:ld], dst[ld:])
		return
	}
	im.Winograd4OutputRow(q, stride, tw, b, relu, accumulate, dst, ld)
}

// products runs the GEMMs: m[p] = U[p] * v[p] over total tile columns.
func (wc *winogradConv) products(e *kernels.Engine, v, m []float32, total int) {
	e.SgemmPackedBatch(wc.u, total, v, wc.ic*total, total, m, wc.oc*total, total)
}

// runWinograd computes c on one image's h x w map: src in, dst out (with
// accumulate, dst's values are added before the bias and ReLU).
func (c *conv) runWinograd(e *kernels.Engine, src, dst planes, sc *convScratch, accumulate bool) {
	tile := c.wino.tile
	th, tw := ceilDiv(src.h, tile), ceilDiv(src.w, tile)
	j := &sc.wino
	*j = mapWinoJob{c: c, im: e.Impl(), src: src, dst: dst, sc: sc, th: th, tw: tw}
	e.ParallelRange(j, src.c)
	c.wino.products(e, sc.wv, sc.wm, th*tw)
	j.output, j.accumulate = true, accumulate
	e.ParallelRange(j, dst.c)
	*j = mapWinoJob{} // drop references to the maps
}

// winogradScratch is what runWinograd needs for an ic x h x w input and
// oc outputs with tile x tile output tiles: transformed input, products
// and padded rows.
func winogradScratch(tile, ic, oc, h, w int) (v, m, rows int) {
	th, tw := ceilDiv(h, tile), ceilDiv(w, tile)
	n := winoPositions(tile)
	return n * ic * th * tw, n * oc * th * tw, winogradRows(tile, th, tw)
}
