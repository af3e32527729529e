package net

// maxPool3x3s2 is torch's max_pool2d(kernel 3, stride 2, padding 1): padding
// acts as -inf and the output is floor((n+2-3)/2)+1 per axis. NaN wins, as
// in torch. Each output row takes the column-wise max of its (up to) three
// input rows into rowMax, then the max of three neighbours at stride 2.
func maxPool3x3s2(src, dst Tensor, rowMax []float32) {
	maxPoolPlanes(src, dst, rowMax, 0, src.N()*src.C())
}

// maxPoolPlanes is maxPool3x3s2 on the planes [p0, p1) of every image
// (plane n*C+c is image n's channel c): threads split a pool by planes.
func maxPoolPlanes(src, dst Tensor, rowMax []float32, p0, p1 int) {
	h, w := src.H(), src.W()
	oh, ow := dst.H(), dst.W()
	rowMax = rowMax[:w]
	for p := p0; p < p1; p++ {
		in := src.Data[p*h*w : (p+1)*h*w]
		out := dst.Data[p*oh*ow : (p+1)*oh*ow]
		for oy := range oh {
			y0, y1 := max(0, 2*oy-1), min(h, 2*oy+2)
			copy(rowMax, in[y0*w:(y0+1)*w])
			for y := y0 + 1; y < y1; y++ {
				for x, v := range in[y*w : (y+1)*w] {
					rowMax[x] = max32(rowMax[x], v)
				}
			}
			line := out[oy*ow : (oy+1)*ow]
			// Output x reads columns 2x-1, 2x, 2x+1; column -1 is padding.
			line[0] = rowMax[0]
			if w > 1 {
				line[0] = max32(line[0], rowMax[1])
			}
			for x := 1; x < ow; x++ {
				m := max32(rowMax[2*x-1], rowMax[2*x])
				if 2*x+1 < w {
					m = max32(m, rowMax[2*x+1])
				}
				line[x] = m
			}
		}
	}
}

// max32 is the larger of a and b, NaN if either is NaN (torch's max-pool
// rule); the builtin compiles to branch-free code.
func max32(a, b float32) float32 { return max(a, b) }
