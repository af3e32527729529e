package quant

import "math"

// Nearest upsampling (like max-pooling, kernels.MaxPool3x3s2Int8) commutes
// with a monotonic quantization, so it runs directly on int8 with the
// input's parameters.

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
