package net

import "github.com/retina-edge/retina/kernels"

// A head conv's products (16 for F(2x2), 36 for F(4x4)) cover every tile of every level; for a conv
// with more outputs than a tower's (the stacked first convs, the class
// logits: 720 channels at 80 classes) the products would need the most
// memory of the whole pass. So the products run in chunks of whole tile
// rows, each chunk's GEMMs then its output transform, within a products
// buffer of a tower conv's size. A chunk's GEMMs are the full GEMMs'
// columns, each sum the same: outputs are identical bit for bit.

// headProductsBudget is the heads' products buffer in floats; 0 is a
// tower conv's products. A variable: tests run every conv in one chunk or
// in chunks of one tile row.
var headProductsBudget = 0

// headSeg is one level's tile rows [ty0, ty1) within a chunk, starting at
// its column col.
type headSeg struct{ level, ty0, ty1, col int }

// headOutJob is the output transform of one chunk of conv c's products,
// split over threads by output channel, into one image buffer (img) or,
// for the heads' last convs (head), image b's class or box outputs.
type headOutJob struct {
	im    *kernels.Impl
	p     *plan
	c     *conv
	n     int // the chunk's columns
	segs  [NumLevels]headSeg
	nsegs int
	img   []float32
	head  bool
	cls   bool
	b     int
}

func (j *headOutJob) RunRange(part, lo, hi int) {
	g, p, c := &j.p.tiles, j.p, j.c
	rows := p.hsc.threadRows(part)
	for _, s := range j.segs[:j.nsegs] {
		var dst planes
		switch {
		case !j.head:
			dst = p.levelPlanes(j.img, s.level, c.OutC)
		case j.cls:
			dst = imagePlanes(p.outputs[s.level].ClassLogits, j.b)
		default:
			dst = imagePlanes(p.outputs[s.level].BoxDeltas, j.b)
		}
		y0 := g.tile * s.ty0
		band := planes{data: dst.data[y0*dst.w:], c: dst.c, h: min(dst.h-y0, g.tile*(s.ty1-s.ty0)), w: dst.w, stride: dst.stride}
		winogradOutputRange(j.im, p.hsc.wm, g.tile, j.n, s.col, s.ty1-s.ty0, g.tw[s.level], c.bias, c.relu, false, band, lo, hi, rows)
	}
}

// headChunkCols is the most tile columns one chunk of an oc-output conv's
// products holds: what the products buffer takes, at least one P3 row.
func (p *plan) headChunkCols(oc int) int {
	return max(p.tiles.tw[0], len(p.hsc.wm)/(winoPositions(p.tiles.tile)*oc))
}

// headConv runs head conv c on the transformed input (p.hsc.wv) chunk by
// chunk; job says where the outputs go.
func (m *Model) headConv(p *plan, c *conv, job headOutJob) {
	g := &p.tiles
	limit := p.headChunkCols(c.OutC)
	j := &p.headOut
	*j = job
	j.im, j.p, j.c = m.engine.Impl(), p, c
	t0 := 0
	for l := range NumLevels {
		for ty := range g.th[l] {
			col := g.off[l] + ty*g.tw[l]
			if col > t0 && col+g.tw[l]-t0 > limit {
				m.headChunk(p, c, t0, col)
				t0 = col
			}
			if s := &j.segs[max(j.nsegs-1, 0)]; j.nsegs > 0 && s.level == l {
				s.ty1 = ty + 1
			} else {
				j.segs[j.nsegs] = headSeg{level: l, ty0: ty, ty1: ty + 1, col: col - t0}
				j.nsegs++
			}
		}
	}
	m.headChunk(p, c, t0, g.total())
	*j = headOutJob{} // drop references to the buffers
}

// headChunk runs the products of tile columns [t0, t1) into p.hsc.wm and
// the output transform of the segments gathered in p.headOut.
func (m *Model) headChunk(p *plan, c *conv, t0, t1 int) {
	total, n := p.tiles.total(), t1-t0
	m.engine.SgemmPackedBatch(c.wino.u, n, p.hsc.wv[t0:], c.InC*total, total, p.hsc.wm, c.OutC*n, n)
	j := &p.headOut
	j.n = n
	m.engine.ParallelRange(j, c.OutC)
	j.nsegs = 0
}
