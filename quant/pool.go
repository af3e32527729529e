package quant

import "math"

// Max-pooling and nearest upsampling commute with a monotonic quantization,
// so they run directly on int8 with the input's parameters.

// MaxPool3x3s2 is torch's max_pool2d(kernel 3, stride 2, padding 1) on
// planes CHW int8 planes of h x w (padding never wins: it acts as -inf).
// Each output row takes the column-wise max of its (up to) three input
// rows, then the max of three neighbours at stride 2.
func MaxPool3x3s2(src []int8, planes, h, w int, dst []int8) {
	maxPool(src, planes, h, w, dst, make([]int8, w))
}

// maxPool is MaxPool3x3s2 with the row scratch (w values) given.
func maxPool(src []int8, planes, h, w int, dst, rowMax []int8) {
	oh, ow := PoolSize(h), PoolSize(w)
	rowMax = rowMax[:w]
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			y0, y1 := max(0, 2*oy-1), min(h, 2*oy+2)
			copy(rowMax, in[y0*w:(y0+1)*w])
			for y := y0 + 1; y < y1; y++ {
				r := in[y*w : (y+1)*w]
				for x := range rowMax {
					rowMax[x] = max(rowMax[x], r[x])
				}
			}
			line := out[oy*ow : (oy+1)*ow]
			// Output x reads columns 2x-1, 2x, 2x+1; column -1 is padding.
			line[0] = rowMax[0]
			if w > 1 {
				line[0] = max(line[0], rowMax[1])
			}
			full := min(ow, w/2) // outputs whose three columns all exist
			for x := 1; x < full; x++ {
				line[x] = max(rowMax[2*x-1], rowMax[2*x], rowMax[2*x+1])
			}
			for x := max(full, 1); x < ow; x++ {
				m := max(rowMax[2*x-1], rowMax[2*x])
				if 2*x+1 < w {
					m = max(m, rowMax[2*x+1])
				}
				line[x] = m
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

// nearestTable fills t[i] with nearestIndex(i, in, len(t)).
func nearestTable(t []int32, in int) {
	for i := range t {
		t[i] = int32(nearestIndex(i, in, len(t)))
	}
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
