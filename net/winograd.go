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
// kernels/winograd4.go, all the fractions are in G, which
// kernels.WinoWeights applies):
//
//	G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6;
//	     1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//
// The weights stay in their raw form (kernels.WinoWeights: 9 values per
// weight, not n*n); each run transforms them into the plan's scratch one
// block of output channels at a time, just before the block's GEMMs
// (runBlocks).
type winogradConv struct {
	oc, ic int
	tile   int // output tile side: 2 or 4
	w      *kernels.WinoWeights
}

// winogradFits reports a conv this file computes: 3x3, stride 1, pad 1.
func winogradFits(k, stride, pad int) bool { return k == 3 && stride == 1 && pad == 1 }

// winoPositions is the number of GEMMs of an F(tile x tile, 3x3) conv.
func winoPositions(tile int) int { return (tile + 2) * (tile + 2) }

// newWinogradConv lays out oc x ic x 3 x 3 weights for impl's F(tile x
// tile, 3x3) transform at run time, or transforms them once if U is
// small (winoKeepTransformed).
func newWinogradConv(impl *kernels.Impl, weights []float32, oc, ic, tile int) *winogradConv {
	w := kernels.NewWinoWeights(impl, tile, weights, oc, ic)
	if w.Positions()*w.Panels()*w.PanelSize() <= winoKeepTransformed {
		w.Pretransform()
	}
	return &winogradConv{oc: oc, ic: ic, tile: tile, w: w}
}

// winoKeepTransformed is the most floats of U a conv keeps transformed
// (1 MB): such a conv's weights stay in cache from frame to frame, so
// transforming them each run would cost time and save little memory
// (the default model's convs, 64 channels wide, and ResNet's layer1). A
// variable: tests transform every conv at run time with 0.
var winoKeepTransformed = 1 << 18

// winoBlockRows bounds the output channels of one block of runBlocks: a
// block's transformed weights (positions x rows x ic) and products
// (positions x rows x tile columns) are the scratch a Winograd conv needs
// beyond its transformed input. 128 rows: a tower conv in two blocks
// (its B matrices packed twice), a 720-channel class conv in six, each
// GEMM still several MC blocks of the micro-kernel's rows. A variable:
// tests run blocks of one panel.
var winoBlockRows = 128

// winoWeightsPad is the floats between two positions' transformed weights
// beyond the block's panels: a block of whole panels is often a multiple
// of 4 KB (a tower conv's 22 panels of 6 x 256 floats: 33 pages), which
// put every store stream of the weight transform in one L1 set. 128
// bytes apart, a tower conv's block transforms in 93-118 us instead of
// 162-268 on avx512 (kernels' BenchmarkWinoWeightsBlock, pad32 / pad0).
const winoWeightsPad = 32

// blockPanels is how many panels of MR rows one block holds: the conv's
// panels split as evenly as winoBlockRows allows.
func (wc *winogradConv) blockPanels() int {
	panels := wc.w.Panels()
	return ceilDiv(panels, min(panels, max(1, ceilDiv(wc.oc, winoBlockRows))))
}

// blockRows is the most output channels of one block.
func (wc *winogradConv) blockRows() int { return wc.blockPanels() * wc.w.Impl().MR }

// weightScratch is the floats one block's transformed weights take (none
// when they are kept transformed).
func (wc *winogradConv) weightScratch() int {
	if wc.w.Pretransformed() {
		return 0
	}
	return wc.w.Positions() * wc.weightStride()
}

// weightStride is the floats from one position's block of transformed
// weights to the next.
func (wc *winogradConv) weightStride() int {
	return wc.blockPanels()*wc.w.PanelSize() + winoWeightsPad
}

// winoOutput is a Winograd conv's output transform of one block of output
// channels [o0, o0+n) (setBlock), run over threads by channel in [0, n).
type winoOutput interface {
	kernels.RangeJob
	setBlock(o0, n int)
}

// winoWeightsJob transforms the panels [p0+lo, p0+hi) of a block starting
// at panel p0 into dst (one block's scratch), split over threads.
type winoWeightsJob struct {
	w      *kernels.WinoWeights
	p0     int
	dst    []float32
	stride int
}

func (j *winoWeightsJob) RunRange(_, lo, hi int) {
	j.w.Transform(j.p0+lo, j.p0+hi, j.dst[lo*j.w.PanelSize():], j.stride)
}

// runBlocks runs wc's products and out's output transform on the
// transformed input v (position p's ic x total matrix at v[p*ic*total:])
// one block of output channels at a time: the block's weights into sc.wu,
// its GEMMs over all total columns into sc.wm (position p's rows x total
// matrix at wm[p*rows*total:]), then its output transform. Every product
// is the full GEMM's, whatever the blocks: outputs do not depend on them.
func (wc *winogradConv) runBlocks(e *kernels.Engine, v []float32, total int, sc *convScratch, out winoOutput) {
	w := wc.w
	per, panels, npos, mr := wc.blockPanels(), w.Panels(), w.Positions(), w.Impl().MR
	stride := wc.weightStride()
	for p0 := 0; p0 < panels; p0 += per {
		p1 := min(p0+per, panels)
		if w.Pretransformed() {
			for q := range npos {
				w.PretransformedView(&sc.wa[q], q, p0, p1)
			}
		} else {
			sc.weights = winoWeightsJob{w: w, p0: p0, dst: sc.wu, stride: stride}
			e.ParallelRange(&sc.weights, p1-p0)
			for q := range npos {
				w.View(&sc.wa[q], q, p0, p1, sc.wu, stride)
			}
		}
		for q := range npos {
			sc.wp[q] = &sc.wa[q]
		}
		rows := min(p1*mr, wc.oc) - p0*mr
		e.SgemmPackedBatch(sc.wp[:npos], total, v, wc.ic*total, total, sc.wm, rows*total, total)
		out.setBlock(p0*mr, rows)
		e.ParallelRange(out, rows)
	}
	sc.weights = winoWeightsJob{}
	for q := range sc.wa[:npos] {
		sc.wa[q], sc.wp[q] = kernels.PackedA{}, nil // drop references to the scratch
	}
}

// blockPlanes is p's planes [c0, c0+n).
func blockPlanes(p planes, c0, n int) planes {
	p.data, p.c = p.data[c0*p.stride:], n
	return p
}

// blockBias is the bias of output channels [o0, o0+n), nil without one.
func blockBias(bias []float32, o0, n int) []float32 {
	if bias == nil {
		return nil
	}
	return bias[o0 : o0+n]
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

// runWinograd computes c on one image's h x w map: src in, dst out (with
// accumulate, dst's values are added before the bias and ReLU).
func (c *conv) runWinograd(e *kernels.Engine, src, dst planes, sc *convScratch, accumulate bool) {
	tile := c.wino.tile
	th, tw := ceilDiv(src.h, tile), ceilDiv(src.w, tile)
	sc.layWino(c.wino.sizes(th * tw))
	j := &sc.wino
	*j = mapWinoJob{c: c, im: e.Impl(), src: src, dst: dst, sc: sc, th: th, tw: tw}
	e.ParallelRange(j, src.c)
	j.output, j.accumulate = true, accumulate
	c.wino.runBlocks(e, sc.wv, th*tw, sc, j)
	*j = mapWinoJob{} // drop references to the maps
}

// winoSizes is the scratch a Winograd conv needs beyond its padded rows:
// transformed input (v), one block's products (m) and one block's
// transformed weights (u), in floats.
type winoSizes struct{ v, m, u int }

// sizes is wc's scratch for total tile columns.
func (wc *winogradConv) sizes(total int) winoSizes {
	n := winoPositions(wc.tile)
	return winoSizes{v: n * wc.ic * total, m: n * wc.blockRows() * total, u: wc.weightScratch()}
}

func (s winoSizes) sum() int { return s.v + s.m + s.u }

// winogradScratch is what runWinograd needs for c's h x w input:
// transformed input, products, weights and padded rows.
func (c *conv) winogradScratch(h, w int) (winoSizes, int) {
	tile := c.wino.tile
	th, tw := ceilDiv(h, tile), ceilDiv(w, tile)
	return c.wino.sizes(th * tw), winogradRows(tile, th, tw)
}
