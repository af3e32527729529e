package quant

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
)

// Heads runs one normalised 3 x h x w image (what net/preprocess produces)
// through the int8 network and returns, per level P3..P7, the dequantized
// class logits and box deltas. The levels live in the model's buffers and
// are valid until the next call; buffers are planned on the first call of
// a size, so later calls of that size allocate nothing. Heads implements
// net/detect's Network.
func (m *Model) Heads(h, w int, input []float32) ([]boxes.Level, error) {
	if err := checkInputSize(h, w, len(input)); err != nil {
		return nil, err
	}
	p := m.plan
	if p == nil || p.h != h || p.w != w {
		m.plan = nil // drop the old buffers before allocating new ones
		var err error
		if p, err = m.newPlan(h, w); err != nil {
			return nil, err
		}
		m.plan = p
	}
	p.quantizeJob = quantizeJob{im: m.engine.Int8Impl(), dst: p.input, src: input, q: m.input}
	m.engine.ParallelRange(&p.quantizeJob, len(input))
	p.quantizeJob = quantizeJob{}
	m.backbone(p)
	m.fpn(p)
	m.heads(p)
	return p.levelList, nil
}

// conv runs c on the CHW image src (planes of h x w at stride apart) into
// dst from column at of its rows, which are ldc apart. floor fuses a ReLU
// into the read (-128: none).
func (m *Model) conv(p *plan, c *Conv, src []int8, stride, h, w int, floor int8, dst []int8, at, ldc int) {
	if m.winoConv(p, c, src, stride, h, w, floor, dst, at, ldc) {
		return
	}
	dst = dst[at:]
	s := c.Shape
	s.H, s.W = h, w
	n := s.ColCols()
	b := src
	if !s.IsPointwise() || stride != h*w || floor > -128 {
		p.colJob = colJob{im: m.engine.Int8Impl(), s: s, src: src, stride: stride, pad: int8(c.In.Zero), floor: floor, col: p.col, ldc: n}
		m.engine.ParallelRange(&p.colJob, s.ColRows())
		p.colJob = colJob{}
		b = p.col
	}
	m.engine.GemmI8(c.packed, n, b, n, dst, ldc, &c.rq)
}

// run is conv on a contiguous map into a contiguous output.
func (m *Model) run(p *plan, c *Conv, x qmap, dst []int8) qmap {
	oh, ow := convOut(c, x.h, x.w)
	out := qmap{c: c.OutC, h: oh, w: ow, data: dst[:c.OutC*oh*ow]}
	m.conv(p, c, x.data, x.h*x.w, x.h, x.w, -128, out.data, 0, oh*ow)
	return out
}

// backbone computes C2..C5 into p.stages.
func (m *Model) backbone(p *plan) {
	x := m.run(p, m.stem, qmap{c: 3, h: p.h, w: p.w, data: p.input}, p.stem.data)
	p.poolJob = poolJob{im: m.engine.Int8Impl(), src: x, dst: p.pool.data, rowMax: p.rowMax}
	m.engine.ParallelRange(&p.poolJob, x.c)
	p.poolJob = poolJob{}
	x = p.pool
	for s, blocks := range m.stages {
		for b, blk := range blocks {
			t := x
			last := len(blk.convs) - 1
			for i, c := range blk.convs[:last] {
				t = m.run(p, c, t, p.scratch[i%2])
			}
			out := m.run(p, blk.convs[last], t, p.stageBuf[s][b%2])
			id := x
			if blk.down != nil {
				id = m.run(p, blk.down, x, p.down)
			}
			p.addJob = addJob{add: blk.add, dst: out.data, x: out.data, y: id.data}
			m.engine.ParallelRange(&p.addJob, len(out.data))
			p.addJob = addJob{}
			x = out
		}
		p.stages[s] = x
	}
}

// fpn computes P3..P7 into p.pyramid: lateral 1x1 convs, the top-down sums
// (nearest upsample read in place), 3x3 output convs written straight into
// their level's columns, then P6 and P7 (whose ReLU is fused into its read).
func (m *Model) fpn(p *plan) {
	m.run(p, m.inner[2], p.stages[3], p.lateral[2].data)
	for i := 1; i >= 0; i-- {
		l, up := p.lateral[i], p.lateral[i+1]
		m.run(p, m.inner[i], p.stages[i+1], l.data)
		p.upAddJob = upAddJob{add: m.topDown[i], dst: l, up: up, rows: p.upRows[i], cols: p.upCols[i]}
		m.engine.ParallelRange(&p.upAddJob, l.c)
		p.upAddJob = upAddJob{}
	}
	t := p.total
	for i := range 3 {
		l := p.lateral[i]
		m.conv(p, m.layer[i], l.data, l.h*l.w, l.h, l.w, -128, p.pyramid, p.off[i], t)
	}
	if m.arch.P6Input == net.FeatureC5 {
		c5 := p.stages[3]
		m.conv(p, m.p6, c5.data, c5.h*c5.w, c5.h, c5.w, -128, p.pyramid, p.off[3], t)
	} else {
		m.conv(p, m.p6, p.pyramid[p.off[2]:], t, p.levelH[2], p.levelW[2], -128, p.pyramid, p.off[3], t)
	}
	m.conv(p, m.p7, p.pyramid[p.off[3]:], t, p.levelH[3], p.levelW[3], int8(m.p6.Out.Zero), p.pyramid, p.off[4], t)
}

// quantizeInto writes clamp(round(src[i]/p.Scale) + p.Zero) into dst with
// im's Quantize: QParams.Quantize except that ties round up rather than
// away from zero (floor(r + 0.5), exact in vector code), and NaN gives the
// zero point.
func quantizeInto(im *kernels.Int8Impl, dst []int8, src []float32, p QParams) {
	im.Quantize(dst[:len(src)], src, 1/p.Scale, p.Zero)
}
