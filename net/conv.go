package net

import "github.com/retina-edge/retina/kernels"

// conv is a 2-D convolution with its weights packed once for the engine's
// tier, a bias (batch norm already folded in) and an optional ReLU, both
// fused into the GEMM's epilogue.
type conv struct {
	ArchConv
	relu   bool             // in the epilogue: a ReLU after the join, or none before a GroupNorm
	bias   []float32        // OutC values, nil when the layer has none
	packed *kernels.PackedA // im2col weights; nil when wino runs the conv
	wino   *winogradConv
}

// convScratch is the per-image scratch every conv shares: the im2col
// matrix, or Winograd's transformed input, one block's products and
// transformed weights (laid out in wbuf for each conv's sizes: layWino),
// and padded rows.
type convScratch struct {
	col, wbuf  []float32
	wv, wm, wu []float32
	wRows      []float32 // a slice of rowsPer floats for each thread of the Winograd transform jobs
	rowsPer    int
	im2col     im2colJob
	wino       mapWinoJob
	weights    winoWeightsJob
	wa         [36]kernels.PackedA  // a block's transformed weights at each tile position (views of wu)
	wp         [36]*kernels.PackedA // pointers to wa, as the batched GEMM takes them
}

// newConvScratch allocates scratch for im2col matrices of col floats,
// Winograd buffers of ws and rows floats of padded rows per thread (a
// forward pass's plan lays its scratch out in its arena instead).
func newConvScratch(col int, ws winoSizes, rows, threads int) convScratch {
	sc := convScratch{col: make([]float32, col), wbuf: make([]float32, ws.sum()), wRows: make([]float32, rows*threads), rowsPer: rows}
	sc.layWino(ws)
	return sc
}

// layWino lays out one Winograd conv's buffers in wbuf, one after
// another: the transformed input at the front, so that a layout of the
// same input size keeps it in place.
func (sc *convScratch) layWino(ws winoSizes) {
	sc.wv, sc.wm, sc.wu = sc.wbuf[:ws.v], sc.wbuf[ws.v:ws.v+ws.m], sc.wbuf[ws.v+ws.m:ws.sum()]
}

// threadRows is part's share of wRows.
func (sc *convScratch) threadRows(part int) []float32 {
	return sc.wRows[part*sc.rowsPer : (part+1)*sc.rowsPer]
}

// im2colJob fills the im2col matrix on every thread, split by rows.
type im2colJob struct {
	im  *kernels.Impl
	s   kernels.ConvShape
	src planes
	col []float32
	ld  int
	y0  int // the band of output rows [y0, y1)
	y1  int
}

func (j *im2colJob) RunRange(_, lo, hi int) {
	kernels.Im2colPlanesBand(j.im, j.s, j.src.data, j.src.stride, j.col, j.ld, lo, hi, j.y0, j.y1)
}

// colSize is the im2col scratch one image needs (0 for a pointwise or a
// Winograd conv): one band's matrix.
func (c *conv) colSize(h, w int) int {
	if c.wino != nil || c.Pointwise() {
		return 0
	}
	oh, ow := c.OutSize(h), c.OutSize(w)
	return c.ColRows() * ow * c.bandRows(oh, ow)
}

// run computes dst = ep(conv(src)) for every image. With accumulate, dst
// already holds a term to add before the bias and ReLU (a residual or a
// top-down path), so the join costs no extra pass.
func (c *conv) run(e *kernels.Engine, src, dst Tensor, sc *convScratch, accumulate bool) {
	for b := range src.N() {
		c.runPlanes(e, imagePlanes(src, b), imagePlanes(dst, b), sc, accumulate)
	}
}

// runPlanes is run on one image held as strided planes.
func (c *conv) runPlanes(e *kernels.Engine, src, dst planes, sc *convScratch, accumulate bool) {
	if c.wino != nil {
		c.runWinograd(e, src, dst, sc, accumulate)
		return
	}
	if !c.Pointwise() {
		c.runBands(e, src, dst, sc, accumulate)
		return
	}
	c.gemm(e, src.h*src.w, src.data, src.stride, dst.data, dst.stride, accumulate)
}

// gemm computes C = ep(W*B [+ C]) for n columns of B (the im2col matrix).
func (c *conv) gemm(e *kernels.Engine, n int, b []float32, ldb int, dst []float32, ldc int, accumulate bool) {
	var beta float32
	if accumulate {
		beta = 1
	}
	e.SgemmPacked(c.packed, false, n, 1, b, ldb, beta, dst, ldc, kernels.Epilogue{Bias: c.bias, ReLU: c.relu})
}
