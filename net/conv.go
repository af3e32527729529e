package net

import "github.com/retina-edge/retina/kernels"

// conv is a 2-D convolution with its weights packed once for the engine's
// tier, a bias (batch norm already folded in) and an optional ReLU, both
// fused into the GEMM's epilogue.
type conv struct {
	name                   string
	oc, ic, k, stride, pad int
	relu                   bool
	weights                []float32 // oc x (ic*k*k), folded; kept for saving and training
	bias                   []float32 // oc values (zeros when the layer has none)
	packed                 *kernels.PackedA
}

// shape is the kernels' description of this conv over an h x w input.
func (c *conv) shape(h, w int) kernels.ConvShape {
	return kernels.ConvShape{C: c.ic, H: h, W: w, KH: c.k, KW: c.k, StrideH: c.stride, StrideW: c.stride,
		PadH: c.pad, PadW: c.pad, DilH: 1, DilW: 1}
}

// outSize is the output height or width for an input of n.
func (c *conv) outSize(n int) int { return (n+2*c.pad-c.k)/c.stride + 1 }

// colSize is the im2col scratch one image needs (0 for a pointwise conv).
func (c *conv) colSize(h, w int) int {
	s := c.shape(h, w)
	if s.IsPointwise() {
		return 0
	}
	return s.ColRows() * s.ColCols()
}

// run computes dst = ep(conv(src)) for every image. With accumulate, dst
// already holds a term to add before the bias and ReLU (a residual or a
// top-down path), so the join costs no extra pass.
func (c *conv) run(e *kernels.Engine, src, dst Tensor, col []float32, accumulate bool) {
	s := c.shape(src.H(), src.W())
	n := s.ColCols()
	var beta float32
	if accumulate {
		beta = 1
	}
	ep := kernels.Epilogue{Bias: c.bias, ReLU: c.relu}
	for b := range src.N() {
		bm := src.Image(b)
		if !s.IsPointwise() {
			kernels.Im2col(s, bm, col)
			bm = col
		}
		e.SgemmPacked(c.packed, false, n, 1, bm, n, beta, dst.Image(b), n, ep)
	}
}

// runCols is run for one image whose im2col matrix is already in col.
func (c *conv) runCols(e *kernels.Engine, n int, col, dst []float32) {
	e.SgemmPacked(c.packed, false, n, 1, col, n, 0, dst, n, kernels.Epilogue{Bias: c.bias, ReLU: c.relu})
}
