package kernels

import "fmt"

// ConvI8 runs an int8 convolution over a batch of CHW images:
// dst[b] = requant(W * im2col(src[b])), padding read as zeroPoint (the
// input's zero point, which the caller folded into rq.Bias). w is the
// OC x (C*KH*KW) weight matrix packed by PackA8; col is scratch of
// ColRows*ColCols values (unused, may be nil, for pointwise convs).
func (e *Engine) ConvI8(s ConvShape, batch int, w *PackedA8, src []int8, zeroPoint int8, dst []int8, col []int8, rq *Requant) {
	if w.K != s.ColRows() {
		panic(fmt.Sprintf("kernels: ConvI8 weights have k = %d, the conv shape needs %d", w.K, s.ColRows()))
	}
	in, n := s.C*s.H*s.W, s.ColCols()
	out := w.M * n
	for b := 0; b < batch; b++ {
		bm := src[b*in : (b+1)*in]
		if !s.IsPointwise() {
			Im2colInt8(e.impl8, s, bm, zeroPoint, col)
			bm = col
		}
		e.GemmI8(w, n, bm, n, dst[b*out:(b+1)*out], n, rq)
	}
}
