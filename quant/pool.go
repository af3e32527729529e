package quant

import "math"

// Max-pooling and nearest upsampling commute with a monotonic quantization,
// so they run directly on int8 with the input's parameters.

// MaxPool3x3s2 is torch's max_pool2d(kernel 3, stride 2, padding 1) on
// planes CHW int8 planes of h x w (padding never wins: it acts as -inf).
func MaxPool3x3s2(src []int8, planes, h, w int, dst []int8) {
	oh, ow := PoolSize(h), PoolSize(w)
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			y0, y1 := max(0, 2*oy-1), min(h, 2*oy+2)
			for ox := 0; ox < ow; ox++ {
				x0, x1 := max(0, 2*ox-1), min(w, 2*ox+2)
				m := int8(-128)
				for y := y0; y < y1; y++ {
					for _, v := range in[y*w+x0 : y*w+x1] {
						m = max(m, v)
					}
				}
				out[oy*ow+ox] = m
			}
		}
	}
}

// PoolSize is MaxPool3x3s2's output size for an input of n.
func PoolSize(n int) int { return (n+2-3)/2 + 1 }

// nearestIndex is torch's "nearest" source index (float32 scale, floored,
// clamped), as package net computes it for the float model.
func nearestIndex(dst, in, out int) int {
	scale := float32(in) / float32(out)
	return min(int(math.Floor(float64(float32(dst)*scale))), in-1)
}

// UpsampleNearest is F.interpolate(size=(oh, ow), mode="nearest") on planes
// int8 planes of h x w.
func UpsampleNearest(src []int8, planes, h, w int, dst []int8, oh, ow int) {
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for y := 0; y < oh; y++ {
			row := in[nearestIndex(y, h, oh)*w:]
			line := out[y*ow : (y+1)*ow]
			for x := range line {
				line[x] = row[nearestIndex(x, w, ow)]
			}
		}
	}
}
