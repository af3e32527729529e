package net

import "github.com/retina-edge/retina/kernels"

// Forward runs the backbone, the FPN and the heads on a batch x 3 x h x w
// normalised input (any h, w; torchvision pads to multiples of 32 first) and
// returns, for P3..P7, the raw class logits and box deltas. The outputs
// live in the model's buffers: they are valid until the next Forward.
// Buffers are planned on the first call for a given (batch, h, w) and reused,
// so later calls of that size allocate nothing.
func (m *Model) Forward(batch, h, w int, input []float32) ([]HeadOutput, error) {
	if err := checkInputSize(batch, h, w, len(input)); err != nil {
		return nil, err
	}
	p := m.plan
	if p == nil || p.batch != batch || p.h != h || p.w != w {
		m.plan = nil // drop the old buffers before allocating new ones
		var err error
		if p, err = m.newPlan(batch, h, w); err != nil {
			return nil, err
		}
		m.plan = p
	}
	x := Tensor{Shape: [4]int{batch, 3, h, w}, Data: input}
	m.backbone(p, x)
	m.fpn(p)
	for l := range p.levels {
		m.heads(p, p.levels[l], &p.outputs[l])
	}
	return p.outList, nil
}

// backbone computes C2..C5 into p.stages.
func (m *Model) backbone(p *plan, x Tensor) {
	e := m.engine
	m.stem.run(e, x, p.stem, p.col, false)
	maxPool3x3s2(p.stem, p.pool)
	in := p.pool
	for s, blocks := range m.stages {
		for _, blk := range blocks {
			out := in
			if blk.down != nil {
				out = p.stages[s]
				blk.down.run(e, in, out, p.col, false)
			}
			m.residual(p, &blk, in, out)
			in = out
		}
	}
}

// residual runs a block's convs on in and adds the last one, with its bias
// and the ReLU, into out, which already holds the identity or down(in). out
// may be in itself: the convs before the last have consumed it by then.
func (m *Model) residual(p *plan, blk *block, in, out Tensor) {
	x := in
	last := len(blk.convs) - 1
	for i, c := range blk.convs[:last] {
		t := view(p.scratch[i%2], x.N(), c.oc, c.outSize(x.H()), c.outSize(x.W()))
		c.run(m.engine, x, t, p.col, false)
		x = t
	}
	blk.convs[last].run(m.engine, x, out, p.col, true)
}

// fpn computes P3..P7 from C3..C5: lateral 1x1 convs, the top-down path
// (nearest upsample added in the lateral conv's GEMM), 3x3 output convs,
// then P6 and P7.
func (m *Model) fpn(p *plan) {
	e := m.engine
	m.inner[2].run(e, p.stages[3], p.lateral[2], p.col, false)
	for i := 1; i >= 0; i-- {
		upsampleNearest(p.lateral[i+1], p.lateral[i], p.upCols)
		m.inner[i].run(e, p.stages[i+1], p.lateral[i], p.col, true)
	}
	for i := range 3 {
		m.layer[i].run(e, p.lateral[i], p.levels[i], p.col, false)
	}
	p6in := p.levels[2]
	if m.cfg.P6FromC5 {
		p6in = p.stages[3]
	}
	m.p6.run(e, p6in, p.levels[3], p.col, false)
	for i, v := range p.levels[3].Data {
		p.p6ReLU.Data[i] = max(v, 0)
	}
	m.p7.run(e, p.p6ReLU, p.levels[4], p.col, false)
}

// heads runs both towers and their output convs on one level. The first
// conv of each tower reads the same im2col matrix, built once per image.
func (m *Model) heads(p *plan, x Tensor, out *HeadOutput) {
	e := m.engine
	f := m.cfg.FPNWidth
	towerView := func(i int) Tensor { return view(p.tower[i], x.N(), f, x.H(), x.W()) }
	clsFirst, clsDst := m.clsOut, out.ClassLogits
	boxFirst, boxDst := m.boxOut, out.BoxDeltas
	if len(m.clsTower) > 0 {
		clsFirst, clsDst = m.clsTower[0].conv, towerView(0)
		boxFirst, boxDst = m.boxTower[0].conv, towerView(1)
	}
	s := clsFirst.shape(x.H(), x.W())
	n := s.ColCols()
	for b := range x.N() {
		col := x.Image(b)
		if !s.IsPointwise() {
			col = p.col[:s.ColRows()*n]
			kernels.Im2col(s, x.Image(b), col)
		}
		clsFirst.runCols(e, n, col, clsDst.Image(b))
		boxFirst.runCols(e, n, col, boxDst.Image(b))
	}
	if len(m.clsTower) == 0 {
		return
	}
	m.tower(p, m.clsTower, clsDst, towerView(2), m.clsOut, out.ClassLogits)
	m.tower(p, m.boxTower, boxDst, towerView(0), m.boxOut, out.BoxDeltas)
}

// tower finishes a head: the first layer's conv output is in a; its norm,
// the remaining layers (ping-ponging between a and b) and the output conv
// follow.
func (m *Model) tower(p *plan, layers []headLayer, a, b Tensor, final *conv, dst Tensor) {
	for i, l := range layers {
		if i > 0 {
			l.conv.run(m.engine, a, b, p.col, false)
			a, b = b, a
		}
		if l.gn != nil {
			l.gn.applyReLU(a)
		}
	}
	final.run(m.engine, a, dst, p.col, false)
}
