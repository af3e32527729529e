package net

import "math"

// NearestIndex is the source index torch's "nearest" interpolation reads
// for output index dst when resizing in to out elements by size: the scale
// in/out and the product are float32, as in ATen, then floored and clamped.
func NearestIndex(dst, in, out int) int {
	scale := float32(in) / float32(out)
	return min(int(math.Floor(float64(float32(dst)*scale))), in-1)
}

// upsampleNearest writes F.interpolate(src, size=(dst's H, W), mode="nearest")
// into dst, as the FPN's top-down path does (any sizes, odd ones included).
// cols is scratch for one index per output column.
func upsampleNearest(src, dst Tensor, cols []int) {
	nearestColumns(cols, src.W(), dst.W())
	upsamplePlanes(src, dst, cols, 0, src.N()*src.C())
}

// nearestColumns fills cols[:out] with the source column of each output
// column.
func nearestColumns(cols []int, in, out int) {
	for x := range out {
		cols[x] = NearestIndex(x, in, out)
	}
}

// upsamplePlanes is upsampleNearest on the planes [p0, p1), with cols
// filled by nearestColumns: threads split an upsample by planes.
func upsamplePlanes(src, dst Tensor, cols []int, p0, p1 int) {
	h, w := src.H(), src.W()
	oh, ow := dst.H(), dst.W()
	cols = cols[:ow]
	for p := p0; p < p1; p++ {
		in := src.Data[p*h*w : (p+1)*h*w]
		out := dst.Data[p*oh*ow : (p+1)*oh*ow]
		prev := -1
		for y := range oh {
			line := out[y*ow : (y+1)*ow]
			sy := NearestIndex(y, h, oh)
			if sy == prev {
				copy(line, out[(y-1)*ow:y*ow])
				continue
			}
			prev = sy
			row := in[sy*w : (sy+1)*w]
			for x, sx := range cols {
				line[x] = row[sx]
			}
		}
	}
}
