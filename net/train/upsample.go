package train

import "math"

// nearestIndex is the source index of torch's "nearest" interpolation for
// output index dst when resizing in to out elements with size= (the FPN's
// F.interpolate): scale in/out and the product in float32, floored, clamped.
func nearestIndex(dst, in, out int) int {
	scale := float32(in) / float32(out)
	return min(int(math.Floor(float64(float32(dst)*scale))), in-1)
}

// upsampleAdd adds F.interpolate(src, size=(dst.h, dst.w), mode="nearest")
// into dst.v: the FPN's top-down join, for the worker's images.
func upsampleAdd(wk *worker, src, dst *act) {
	h, w, oh, ow := src.h, src.w, dst.h, dst.w
	for p := wk.b0 * src.c; p < wk.b1*src.c; p++ {
		in := src.v[p*h*w : (p+1)*h*w]
		out := dst.v[p*oh*ow : (p+1)*oh*ow]
		for y := range oh {
			row := in[nearestIndex(y, h, oh)*w:]
			line := out[y*ow : (y+1)*ow]
			for x := range line {
				line[x] += row[nearestIndex(x, w, ow)]
			}
		}
	}
}

// upsampleBackward adds dst.g, scattered back to the source positions it
// was read from, into src.g.
func upsampleBackward(wk *worker, src, dst *act) {
	h, w, oh, ow := src.h, src.w, dst.h, dst.w
	for p := wk.b0 * src.c; p < wk.b1*src.c; p++ {
		g := src.g[p*h*w : (p+1)*h*w]
		d := dst.g[p*oh*ow : (p+1)*oh*ow]
		for y := range oh {
			row := g[nearestIndex(y, h, oh)*w:]
			line := d[y*ow : (y+1)*ow]
			for x, v := range line {
				row[nearestIndex(x, w, ow)] += v
			}
		}
	}
}
