package quant

// heads runs both heads on every level at once: each 3x3 head conv is one
// GEMM over the columns of all five levels, and the two towers' first
// convs share one im2col of the pyramid.
func (m *Model) heads(p *plan) {
	if len(m.cls.tower) == 0 {
		m.levelCol(p, p.pyramid, m.cls.out.In)
		m.headOutput(p, m.cls.out, p.clsOut)
		m.headOutput(p, m.box.out, p.boxOut)
		return
	}
	m.levelCol(p, p.pyramid, m.cls.tower[0].conv.In)
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
		m.levelCol(p, a, l.conv.In)
		m.towerConv(p, l, other)
		a, other = other, a
	}
	m.levelCol(p, a, h.out.In)
	m.headOutput(p, h.out, out)
}

// levelCol writes the 3x3 same-conv im2col of the all-levels map x into
// p.col (9*FPNWidth x total), each level's columns from its own planes.
func (m *Model) levelCol(p *plan, x []int8, in QParams) {
	p.colJob = colJob{s: m.cls.out.Shape, src: x, pad: int8(in.Zero), floor: -128, col: p.col, levels: p}
	m.engine.ParallelRange(&p.colJob, m.cls.out.Shape.C)
	p.colJob = colJob{}
}

// towerConv runs one tower layer on p.col into dst (FPNWidth x total).
func (m *Model) towerConv(p *plan, l towerLayer, dst []int8) {
	c, t := l.conv, p.total
	if l.gamma == nil {
		m.engine.GemmI8(c.packed, t, p.col, t, dst, t, &c.rq)
		return
	}
	// GroupNorm has no int8 form: normalise the dequantized sums in float.
	acc := p.acc[:c.OutC*t]
	m.engine.GemmI8Acc(c.packed, t, p.col, t, acc, t, c.Bias)
	for ch := range c.OutC {
		dequantize(p.norm[ch*t:(ch+1)*t], acc[ch*t:(ch+1)*t], c.accScale[ch])
	}
	for l2 := range numLevels {
		groupNormReLU(p.norm, t, p.off[l2], p.off[l2+1]-p.off[l2], c.OutC, l.gamma, l.beta)
	}
	quantizeInto(dst[:c.OutC*t], p.norm[:c.OutC*t], c.Out)
}

// headOutput runs an output conv on p.col and dequantizes its accumulators
// into out, level by level in boxes.Level's layout.
func (m *Model) headOutput(p *plan, c *Conv, out []float32) {
	t := p.total
	acc := p.acc[:c.OutC*t]
	m.engine.GemmI8Acc(c.packed, t, p.col, t, acc, t, c.Bias)
	for l := range numLevels {
		lo, hw := p.off[l], p.off[l+1]-p.off[l]
		dst := out[c.OutC*lo : c.OutC*(lo+hw)]
		for ch := range c.OutC {
			dequantize(dst[ch*hw:(ch+1)*hw], acc[ch*t+lo:ch*t+lo+hw], c.accScale[ch])
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
