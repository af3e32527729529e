package net

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
		if p, err = m.newPlan(batch, h, w, false, true); err != nil {
			return nil, err
		}
		m.plan = p
	}
	x := Tensor{Shape: [4]int{batch, 3, h, w}, Data: input}
	m.observeTensor(InputActivation, x)
	m.backbone(p, x)
	m.fpn(p)
	for b := range batch {
		m.heads(p, b)
	}
	return p.outList, nil
}

// backbone computes C2..C5 into p.stages.
func (m *Model) backbone(p *plan, x Tensor) {
	m.stemConv(p, x)
	m.maxPool(p)
	m.blocks(p)
}

// stemConv is the stem's conv (its batch norm and ReLU fused).
func (m *Model) stemConv(p *plan, x Tensor) {
	m.stem.run(m.engine, x, p.stem, p.scFor(stepStem), false)
	m.observeTensor(m.stem.Name, p.stem)
}

// maxPool is the stem's max-pool.
func (m *Model) maxPool(p *plan) {
	p.poolJob = poolJob{src: p.stem, dst: p.pool, rowMax: p.rowMax}
	m.engine.ParallelRange(&p.poolJob, p.stem.N()*p.stem.C())
	p.poolJob = poolJob{}
}

// blocks runs the four stages' residual blocks on the pool's output.
func (m *Model) blocks(p *plan) {
	e := m.engine
	in := p.pool
	for s, blocks := range m.stages {
		p.scFor(stepStage0 + s)
		for i, blk := range blocks {
			out := in
			if blk.down != nil {
				out = p.stages[s]
				blk.down.run(e, in, out, &p.sc, false)
				m.observeTensor(blk.down.Name, out)
			}
			m.residual(p, &blk, in, out)
			if m.observe != nil { // the name is built only for an observer
				m.observeTensor(m.arch.Stages[s][i].Output(), out)
			}
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
		t := view(p.scratch[i%2], x.N(), c.OutC, c.OutSize(x.H()), c.OutSize(x.W()))
		c.run(m.engine, x, t, &p.sc, false)
		m.observeTensor(c.Name, t)
		x = t
	}
	if m.observe != nil {
		m.observeUnfused(p, blk.convs[last], x, out)
	}
	blk.convs[last].run(m.engine, x, out, &p.sc, true)
}

// fpn computes P3..P7 from C3..C5 into p.pyramid: lateral 1x1 convs, the
// top-down path (nearest upsample added in the lateral conv's GEMM), 3x3
// output convs, then P6 and P7.
func (m *Model) fpn(p *plan) {
	e := m.engine
	f := m.cfg.FPNWidth
	m.inner[2].run(e, p.stages[3], p.lateral[2], p.scFor(stepFPN), false)
	m.observeTensor(m.inner[2].Name, p.lateral[2])
	for i := 1; i >= 0; i-- {
		if m.observe != nil {
			m.observeUnfused(p, m.inner[i], p.stages[i+1], p.lateral[i])
		}
		src, dst := p.lateral[i+1], p.lateral[i]
		nearestColumns(p.upCols, src.W(), dst.W())
		p.upJob = upsampleJob{src: src, dst: dst, cols: p.upCols}
		e.ParallelRange(&p.upJob, src.N()*src.C())
		p.upJob = upsampleJob{}
		m.inner[i].run(e, p.stages[i+1], p.lateral[i], &p.sc, true)
		if m.observe != nil {
			m.observeTensor(m.arch.LateralSum(i), p.lateral[i])
		}
	}
	for b := range p.batch {
		pyr := p.pyramid[b*f*p.total : (b+1)*f*p.total]
		for i := range 3 {
			m.layer[i].runPlanes(e, imagePlanes(p.lateral[i], b), p.levelPlanes(pyr, i, f), &p.sc, false)
		}
		p6in := p.levelPlanes(pyr, 2, f)
		if m.arch.P6Input == FeatureC5 {
			p6in = imagePlanes(p.stages[3], b)
		}
		p6 := p.levelPlanes(pyr, 3, f)
		m.p6.runPlanes(e, p6in, p6, &p.sc, false)
		relu := imagePlanes(p.p6ReLU, b)
		p.reluJob = reluJob{src: p6, dst: relu}
		e.ParallelRange(&p.reluJob, f)
		p.reluJob = reluJob{}
		m.p7.runPlanes(e, relu, p.levelPlanes(pyr, 4, f), &p.sc, false)
		m.observeLevels(p, PyramidBase, pyr, f)
	}
}

// heads runs both heads on every level of image b. Every head conv is a
// Winograd conv (F(4x4, 3x3): headTile) whose GEMMs each cover the tiles of
// all five levels side by side, so the small levels ride along with P3. The first
// convs of the two towers read the same transformed input and run as one
// conv of stacked weights.
func (m *Model) heads(p *plan, b int) {
	t, f := p.total, m.cfg.FPNWidth
	m.winogradIn(p, p.pyramid[b*f*t:(b+1)*f*t])
	if len(m.clsTower) == 0 {
		m.headOutput(p, b, m.clsOut, true)
		m.headOutput(p, b, m.boxOut, false)
		return
	}
	// Rows 0..F-1 of towerPair are the class tower, F..2F-1 the box tower.
	m.winogradTo(p, m.firstTower, p.towerPair)
	m.tower(p, b, m.clsTower, p.towerPair[:f*t], m.clsOut, true)
	m.tower(p, b, m.boxTower, p.towerPair[f*t:], m.boxOut, false)
}

// tower finishes one head on image b: the first layer's conv output is in
// a; its norm, the remaining layers (ping-ponging with p.towerScratch) and
// the output conv follow.
func (m *Model) tower(p *plan, b int, layers []headLayer, a []float32, final *conv, cls bool) {
	other := p.towerScratch
	for i, l := range layers {
		if i > 0 {
			m.winogradIn(p, a)
			m.winogradTo(p, l.conv, other)
			a, other = other, a
		}
		if l.gn != nil {
			p.gn = groupNormJob{gn: l.gn, p: p, buf: a, c: m.cfg.FPNWidth}
			m.engine.ParallelRange(&p.gn, l.gn.groups)
			p.gn = groupNormJob{}
		}
		m.observeLevels(p, l.conv.Name, a, m.cfg.FPNWidth)
	}
	m.winogradIn(p, a)
	m.headOutput(p, b, final, cls)
}

// winogradIn transforms one image's FPNWidth x total buffer, all levels,
// into p.hsc.wv.
func (m *Model) winogradIn(p *plan, img []float32) {
	p.winoIn = winoInJob{im: m.engine.Impl(), p: p, img: img, c: m.cfg.FPNWidth}
	m.engine.ParallelRange(&p.winoIn, m.cfg.FPNWidth)
}

// winogradTo runs c on the transformed input into one image's
// c.OutC x total buffer.
func (m *Model) winogradTo(p *plan, c *conv, img []float32) {
	m.headConv(p, c, headOutJob{img: img})
}

// headOutput runs the class (cls) or box output conv on the transformed
// input into each level's NCHW outputs for image b.
func (m *Model) headOutput(p *plan, b int, c *conv, cls bool) {
	m.headConv(p, c, headOutJob{head: true, cls: cls, b: b})
}
