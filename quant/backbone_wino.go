package quant

import "github.com/retina-edge/retina/kernels"

// convPlan is the Winograd plan of the backbone's and the FPN's convs of
// one input shape (channels, map size, where the output starts in its
// rows), shared by every conv of that shape: convs run one at a time.
type convPlan struct {
	c, h, w, dst int
	plan         *kernels.Wino8Plan
}

// winoPlan returns the plan of a conv of c channels on an h x w map
// whose output starts at dst in each row, making it on the first pass.
func (m *Model) winoPlan(p *plan, c, h, w, dst int) *kernels.Wino8Plan {
	for _, cp := range p.convPlans {
		if cp.c == c && cp.h == h && cp.w == w && cp.dst == dst {
			return cp.plan
		}
	}
	wp := kernels.NewWino8Plan(m.engine.Threads(), c, []kernels.Wino8Image{{H: h, W: w, Dst: dst}})
	p.convPlans = append(p.convPlans, convPlan{c: c, h: h, w: w, dst: dst, plan: wp})
	return wp
}

// winoConv runs c on the CHW image src (planes of h x w at stride apart)
// as a Winograd conv into dst's rows, ldc apart, from column at; it
// reports false, doing nothing, where c has no Winograd form or floor
// asks for a ReLU on the read.
func (m *Model) winoConv(p *plan, c *Conv, src []int8, stride, h, w int, floor int8, dst []int8, at, ldc int) bool {
	if c.wino == nil || floor > -128 || !m.engine.Int8Impl().Wino8Fast() {
		return false
	}
	wp := m.winoPlan(p, c.Shape.C, h, w, at)
	wp.SetPad(0, int8(c.In.Zero))
	m.engine.Wino8Conv(c.wino, wp, src, stride, kernels.Wino8Out{C: dst, Ldc: ldc, Rq: c.rqs[:]})
	return true
}
