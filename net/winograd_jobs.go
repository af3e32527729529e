package net

import "github.com/retina-edge/retina/kernels"

// winoInJob is the heads' Winograd input transform of one image buffer
// (c channels, all levels), split over threads by channel.
type winoInJob struct {
	im  *kernels.Impl
	p   *plan
	img []float32
	c   int
}

func (j *winoInJob) RunRange(part, lo, hi int) {
	g, p := &j.p.tiles, j.p
	rows := p.hsc.threadRows(part)
	for l := range NumLevels {
		winogradInputRange(j.im, p.levelPlanes(j.img, l, j.c), lo, hi, p.hsc.wv, g.tile, g.total(), g.off[l], g.th[l], g.tw[l], rows)
	}
}

// mapWinoJob is runWinograd's input transform (output false) or output
// transform of one block of output channels [o0, o0+n) of one map, split
// over threads by channel.
type mapWinoJob struct {
	c                  *conv
	im                 *kernels.Impl
	src, dst           planes
	sc                 *convScratch
	th, tw             int
	output, accumulate bool
	o0, n              int
}

func (j *mapWinoJob) setBlock(o0, n int) { j.o0, j.n = o0, n }

func (j *mapWinoJob) RunRange(part, lo, hi int) {
	rows, t := j.sc.threadRows(part), j.th*j.tw
	if !j.output {
		winogradInputRange(j.im, j.src, lo, hi, j.sc.wv, j.c.wino.tile, t, 0, j.th, j.tw, rows)
		return
	}
	winogradOutputRange(j.im, j.sc.wm, j.c.wino.tile, t, 0, j.th, j.tw, blockBias(j.c.bias, j.o0, j.n), j.c.relu, j.accumulate,
		blockPlanes(j.dst, j.o0, j.n), lo, hi, rows)
}
