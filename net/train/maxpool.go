package train

// maxPool is torch's max_pool2d(kernel 3, stride 2, padding 1) with the
// index of each output's maximum kept for backward. The scan order and the
// rule (a later value wins only when greater, or NaN) are ATen's, so ties
// route the gradient to the same input as torch.
type maxPool struct {
	argmax []int32 // per output element: the input offset within its plane (planned)
}

func (m *maxPool) forward(w *worker, x, y *act) {
	h, wd := x.h, x.w
	oh, ow := y.h, y.w
	for p := w.b0 * x.c; p < w.b1*x.c; p++ {
		in := x.v[p*h*wd : (p+1)*h*wd]
		out := y.v[p*oh*ow : (p+1)*oh*ow]
		idx := m.argmax[p*oh*ow : (p+1)*oh*ow]
		for oy := range oh {
			y0, y1 := max(0, 2*oy-1), min(h, 2*oy+2)
			for ox := range ow {
				x0, x1 := max(0, 2*ox-1), min(wd, 2*ox+2)
				best, at := in[y0*wd+x0], y0*wd+x0
				for yy := y0; yy < y1; yy++ {
					for xx := x0; xx < x1; xx++ {
						if v := in[yy*wd+xx]; v > best || v != v {
							best, at = v, yy*wd+xx
						}
					}
				}
				out[oy*ow+ox], idx[oy*ow+ox] = best, int32(at)
			}
		}
	}
}

// backward adds each output's gradient to the input it was taken from.
func (m *maxPool) backward(w *worker, x, y *act) {
	hw, ohw := x.h*x.w, y.h*y.w
	for p := w.b0 * x.c; p < w.b1*x.c; p++ {
		dx := x.g[p*hw : (p+1)*hw]
		for i, d := range y.g[p*ohw : (p+1)*ohw] {
			dx[m.argmax[p*ohw+i]] += d
		}
	}
}
