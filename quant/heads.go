package quant

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// heads runs both heads on every level: the two towers' first convs share
// one im2col of the pyramid, and each 3x3 head conv is one im2col over the
// columns of all five levels, then one GEMM per level (the weights are
// shared, the bias and requantization are the level's own).
func (m *Model) heads(p *plan) {
	if len(m.cls.tower) == 0 {
		m.levelCol(p, p.pyramid, m.cls.out)
		m.headOutput(p, m.cls.out, p.clsOut)
		m.headOutput(p, m.box.out, p.boxOut)
		return
	}
	m.levelCol(p, p.pyramid, m.cls.tower[0].conv)
	m.towerConv(p, m.cls.tower[0], p.tower[0])
	m.towerConv(p, m.box.tower[0], p.tower[1])
	m.finishHead(p, &m.cls, p.tower[0], p.clsOut)
	m.finishHead(p, &m.box, p.tower[1], p.boxOut)
}

// finishHead runs a head's remaining tower layers from a (the first
// layer's output), ping-ponging with p.tower[2], and its output conv.
func (m *Model) finishHead(p *plan, h *qhead, a []int8, out []float32) {
	other := p.tower[2]
	for _, l := range h.tower[1:] {
		m.levelCol(p, a, l.conv)
		m.towerConv(p, l, other)
		a, other = other, a
	}
	m.levelCol(p, a, h.out)
	m.headOutput(p, h.out, out)
}

// levelCol writes the 3x3 same-conv im2col of the all-levels map x into
// p.col (9*FPNWidth x total), each level's columns from its own planes,
// padded with the level's input zero point (the real zero).
func (m *Model) levelCol(p *plan, x []int8, c levelConv) {
	p.colJob = colJob{im: m.engine.Int8Impl(), s: c[0].Shape, src: x, floor: -128, col: p.col, levels: p}
	for l, lc := range c {
		p.colJob.pads[l] = int8(lc.In.Zero)
	}
	m.engine.ParallelRange(&p.colJob, c[0].Shape.C)
	p.colJob = colJob{}
}

// towerConv runs one tower layer on p.col into dst (FPNWidth x total).
func (m *Model) towerConv(p *plan, l towerLayer, dst []int8) {
	t := p.total
	if l.gamma == nil {
		for lv, c := range l.conv {
			lo := p.off[lv]
			m.engine.GemmI8(c.packed, p.off[lv+1]-lo, p.col[lo:], t, dst[lo:], t, &c.rq)
		}
		return
	}
	// GroupNorm has no int8 form: normalise the dequantized sums in float,
	// on every thread, a share of the groups each.
	for lv, c := range l.conv {
		lo, hw := p.off[lv], p.off[lv+1]-p.off[lv]
		m.engine.GemmI8Acc(c.packed, hw, p.col[lo:], t, p.acc[lo:], t, c.Bias)
		p.gnJob = groupNormJob{im: m.engine.Int8Impl(), p: p, gamma: l.gamma, beta: l.beta, c: c, lo: lo, hw: hw, dst: dst}
		m.engine.ParallelRange(&p.gnJob, net.GroupNormGroups)
		p.gnJob = groupNormJob{}
	}
}

// groupNormJob is a GroupNorm tower layer's float part on one level:
// dequantize its accumulators, normalise, ReLU and quantize again, split
// over threads by group.
type groupNormJob struct {
	im          *kernels.Int8Impl
	p           *plan
	gamma, beta []float32
	c           *Conv
	lo, hw      int
	dst         []int8
}

func (j *groupNormJob) RunRange(_, g0, g1 int) {
	p, c, t, lo, hw := j.p, j.c, j.p.total, j.lo, j.hw
	per := c.OutC / net.GroupNormGroups
	for ch := g0 * per; ch < g1*per; ch++ {
		dequantize(p.norm[ch*t+lo:ch*t+lo+hw], p.acc[ch*t+lo:ch*t+lo+hw], c.accScale[ch])
	}
	groupNormReLURange(p.norm, t, lo, hw, c.OutC, j.gamma, j.beta, g0, g1)
	for ch := g0 * per; ch < g1*per; ch++ {
		quantizeInto(j.im, j.dst[ch*t+lo:ch*t+lo+hw], p.norm[ch*t+lo:ch*t+lo+hw], c.Out)
	}
}

// headOutput runs an output conv on p.col and dequantizes its accumulators
// into out, level by level in boxes.Level's layout.
func (m *Model) headOutput(p *plan, c levelConv, out []float32) {
	t, outC := p.total, c[0].OutC
	for l, lc := range c {
		lo, hw := p.off[l], p.off[l+1]-p.off[l]
		acc := p.acc[lo:]
		m.engine.GemmI8Acc(lc.packed, hw, p.col[lo:], t, acc, t, lc.Bias)
		dst := out[outC*lo : outC*(lo+hw)]
		for ch := range outC {
			dequantize(dst[ch*hw:(ch+1)*hw], acc[ch*t:ch*t+hw], lc.accScale[ch])
		}
	}
}

// dequantize writes float32(src[i]) * scale.
func dequantize(dst []float32, src []int32, scale float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = float32(v) * scale
	}
}
