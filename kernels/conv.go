package kernels

// Conv runs a convolution over a batch of CHW images: dst[b] = ep(W * im2col(src[b])).
// w holds the weights as an OC x (C*KH*KW) matrix packed for this engine's
// tier (torch's OIHW layout flattened); src is batch x C x H x W, dst is
// batch x OC x OutH x OutW. col is scratch of ColRows*ColCols floats (unused,
// may be nil, for pointwise convs, which multiply the input directly).
func (e *Engine) Conv(s ConvShape, batch int, w *PackedA, src, dst, col []float32, ep Epilogue) {
	if w.K != s.ColRows() {
		panic("kernels: Conv weights do not match the conv shape")
	}
	in, n := s.C*s.H*s.W, s.ColCols()
	out := w.M * n
	for b := 0; b < batch; b++ {
		img := src[b*in : (b+1)*in]
		bm := img
		if !s.IsPointwise() {
			Im2col(s, img, col)
			bm = col
		}
		e.SgemmPacked(w, false, n, 1, bm, n, 0, dst[b*out:(b+1)*out], n, ep)
	}
}
