package quant

import "github.com/retina-edge/retina/net"

// Nearest upsampling (like max-pooling, kernels.MaxPool3x3s2Int8) commutes
// with a monotonic quantization, so it runs directly on int8 with the
// input's parameters.

// nearestTable fills t[i] with net.NearestIndex(i, in, len(t)).
func nearestTable(t []int32, in int) {
	for i := range t {
		t[i] = int32(net.NearestIndex(i, in, len(t)))
	}
}

// UpsampleNearest is F.interpolate(size=(oh, ow), mode="nearest") on planes
// int8 planes of h x w.
func UpsampleNearest(src []int8, planes, h, w int, dst []int8, oh, ow int) {
	for p := 0; p < planes; p++ {
		in := src[p*h*w : (p+1)*h*w]
		out := dst[p*oh*ow : (p+1)*oh*ow]
		for y := 0; y < oh; y++ {
			row := in[net.NearestIndex(y, h, oh)*w:]
			line := out[y*ow : (y+1)*ow]
			for x := range line {
				line[x] = row[net.NearestIndex(x, w, ow)]
			}
		}
	}
}
