package net

import "github.com/retina-edge/retina/kernels"

// colBudget bounds an im2col conv's scratch (floats): a conv whose whole
// matrix is larger runs in bands of output rows, each band's im2col then
// its GEMM. The GEMM's sums run over k only, so a band's outputs equal the
// whole conv's bit for bit. 1M floats (4 MB) leaves the stem of a 448x336
// frame (147 x 37632, 22 MB as one matrix) in 6 bands, and costs no
// measurable speed (the bands' GEMMs are still hundreds of columns wide).
var colBudget = 1 << 20 // a variable: tests force bands with a small one

// bandRows is how many output rows of an oh x ow output one im2col band
// holds.
func (c *conv) bandRows(oh, ow int) int {
	return min(oh, max(1, colBudget/(c.ColRows()*ow)))
}

// runBands is runPlanes's im2col path: band by band, each band's im2col
// split over threads by matrix rows, then its GEMM into the band's rows of
// dst.
func (c *conv) runBands(e *kernels.Engine, src, dst planes, sc *convScratch, accumulate bool) {
	oh, ow := c.OutSize(src.h), c.OutSize(src.w)
	rows := c.bandRows(oh, ow)
	for y0 := 0; y0 < oh; y0 += rows {
		y1 := min(y0+rows, oh)
		n := (y1 - y0) * ow
		sc.im2col = im2colJob{im: e.Impl(), s: c.Shape(src.h, src.w), src: src, col: sc.col, ld: n, y0: y0, y1: y1}
		e.ParallelRange(&sc.im2col, c.ColRows())
		c.gemm(e, n, sc.col, n, dst.data[y0*ow:], dst.stride, accumulate)
	}
	sc.im2col = im2colJob{} // drop references to the maps
}
