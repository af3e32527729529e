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
		winogradInputRange(j.im, p.levelPlanes(j.img, l, j.c), lo, hi, p.hsc.wv, g.total(), g.off[l], g.th[l], g.tw[l], rows)
	}
}

// winoOutJob is the output transform of conv c, split over threads by
// output channel, into one image buffer (img) or, for the heads' last
// convs (head), into image b's class or box outputs of every level.
type winoOutJob struct {
	im   *kernels.Impl
	p    *plan
	c    *conv
	img  []float32
	head bool
	cls  bool
	b    int
}

func (j *winoOutJob) RunRange(part, lo, hi int) {
	g, p, c := &j.p.tiles, j.p, j.c
	rows := p.hsc.threadRows(part) // the input job's scratch, free now
	for l := range NumLevels {
		var dst planes
		switch {
		case !j.head:
			dst = p.levelPlanes(j.img, l, c.OutC)
		case j.cls:
			dst = imagePlanes(p.outputs[l].ClassLogits, j.b)
		default:
			dst = imagePlanes(p.outputs[l].BoxDeltas, j.b)
		}
		winogradOutputRange(j.im, p.hsc.wm, g.total(), g.off[l], g.th[l], g.tw[l], c.bias, c.relu, false, dst, lo, hi, rows)
	}
}

// mapWinoJob is runWinograd's input transform (output false) or output
// transform of one map, split over threads by channel.
type mapWinoJob struct {
	c                  *conv
	im                 *kernels.Impl
	src, dst           planes
	sc                 *convScratch
	th, tw             int
	output, accumulate bool
}

func (j *mapWinoJob) RunRange(part, lo, hi int) {
	rows, t := j.sc.threadRows(part), j.th*j.tw
	if !j.output {
		winogradInputRange(j.im, j.src, lo, hi, j.sc.wv, t, 0, j.th, j.tw, rows)
		return
	}
	winogradOutputRange(j.im, j.sc.wm, t, 0, j.th, j.tw, j.c.bias, j.c.relu, j.accumulate, j.dst, lo, hi, rows)
}
