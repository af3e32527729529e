package train

import "github.com/retina-edge/retina/net"

// upsampleAdd adds F.interpolate(src, size=(dst.h, dst.w), mode="nearest")
// into dst.v: the FPN's top-down join, for the worker's images.
func upsampleAdd(wk *worker, src, dst *act) {
	h, w, oh, ow := src.h, src.w, dst.h, dst.w
	for p := wk.b0 * src.c; p < wk.b1*src.c; p++ {
		in := src.v[p*h*w : (p+1)*h*w]
		out := dst.v[p*oh*ow : (p+1)*oh*ow]
		for y := range oh {
			row := in[net.NearestIndex(y, h, oh)*w:]
			line := out[y*ow : (y+1)*ow]
			for x := range line {
				line[x] += row[net.NearestIndex(x, w, ow)]
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
			row := g[net.NearestIndex(y, h, oh)*w:]
			line := d[y*ow : (y+1)*ow]
			for x, v := range line {
				row[net.NearestIndex(x, w, ow)] += v
			}
		}
	}
}
