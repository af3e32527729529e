package net

import "github.com/retina-edge/retina/kernels"

// A head conv's products (36 for F(4x4)) cover every tile of every level.
// They run one block of output channels at a time (winogradConv.runBlocks:
// the block's weights transformed, its GEMMs over all tile columns, its
// output transform), so neither the products nor the transformed weights
// of the widest conv (the class logits: 720 channels at 80 classes) need
// more memory than a block's.

// headOutJob is the output transform of one block of output channels [o0,
// o0+n) of conv c's products, split over threads by output channel, into
// one image buffer (img) or, for the heads' last convs (head), image b's
// class or box outputs.
type headOutJob struct {
	im    *kernels.Impl
	p     *plan
	c     *conv
	o0, n int
	img   []float32
	head  bool
	cls   bool
	b     int
}

func (j *headOutJob) setBlock(o0, n int) { j.o0, j.n = o0, n }

func (j *headOutJob) RunRange(part, lo, hi int) {
	g, p, c := &j.p.tiles, j.p, j.c
	rows := p.hsc.threadRows(part)
	bias := blockBias(c.bias, j.o0, j.n)
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
		winogradOutputRange(j.im, p.hsc.wm, g.tile, g.total(), g.off[l], g.th[l], g.tw[l], bias, c.relu, false,
			blockPlanes(dst, j.o0, j.n), lo, hi, rows)
	}
}

// headConv runs head conv c on the transformed input (p.hsc.wv); job says
// where the outputs go.
func (m *Model) headConv(p *plan, c *conv, job headOutJob) {
	j := &p.headOut
	*j = job
	j.im, j.p, j.c = m.engine.Impl(), p, c
	p.hsc.layWino(c.wino.sizes(p.tiles.total())) // the transformed input stays: every head conv has FPNWidth inputs
	c.wino.runBlocks(m.engine, p.hsc.wv, p.tiles.total(), &p.hsc, j)
	*j = headOutJob{} // drop references to the buffers
}

// headConvs lists every conv the heads run (all Winograd convs; the
// towers' first convs run stacked, as firstTower).
func (m *Model) headConvs() []*conv {
	out := []*conv{m.clsOut, m.boxOut}
	if m.firstTower != nil {
		out = append(out, m.firstTower)
	}
	for _, l := range append(append([]headLayer(nil), m.clsTower...), m.boxTower...) {
		if l.conv.wino != nil {
			out = append(out, l.conv)
		}
	}
	return out
}
