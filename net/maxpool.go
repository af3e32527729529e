package net

import "math"

// maxPool3x3s2 is torch's max_pool2d(kernel 3, stride 2, padding 1): padding
// acts as -inf and the output is floor((n+2-3)/2)+1 per axis. NaN wins, as
// in torch.
func maxPool3x3s2(src, dst Tensor) {
	h, w := src.H(), src.W()
	oh, ow := dst.H(), dst.W()
	planes := src.N() * src.C()
	for p := range planes {
		in := src.Data[p*h*w : (p+1)*h*w]
		out := dst.Data[p*oh*ow : (p+1)*oh*ow]
		for oy := range oh {
			y0, y1 := max(0, 2*oy-1), min(h, 2*oy+2)
			line := out[oy*ow : (oy+1)*ow]
			for ox := range ow {
				x0, x1 := max(0, 2*ox-1), min(w, 2*ox+2)
				m := float32(math.Inf(-1))
				for y := y0; y < y1; y++ {
					for _, v := range in[y*w+x0 : y*w+x1] {
						if v > m || v != v {
							m = v
						}
					}
				}
				line[ox] = m
			}
		}
	}
}

// poolSize is maxPool3x3s2's output size for an input of n.
func poolSize(n int) int { return (n+2-3)/2 + 1 }
