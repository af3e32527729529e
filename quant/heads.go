package quant

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// heads runs both heads on every level: each 3x3 head conv covers the
// columns of all five levels at once (the weights are shared, the bias
// and requantization are the level's own), as a Winograd conv where the
// tier has one, else as one im2col and a GEMM per level. On one thread
// the two towers' first convs share the transform or the im2col of the
// pyramid; on more, the towers run side by side (towersSideBySide).
func (m *Model) heads(p *plan) {
	main := &p.lanes[0]
	main.hs.fresh()
	if len(m.cls.tower) == 0 {
		m.headOutput(p, main, p.pyramid, m.cls.out, p.clsOut)
		m.headOutput(p, main, p.pyramid, m.box.out, p.boxOut)
		return
	}
	if m.lanes[0] != nil {
		m.towersSideBySide(p)
		return
	}
	m.towerConv(p, main, p.pyramid, m.cls.tower[0], p.tower[0])
	m.towerConv(p, main, p.pyramid, m.box.tower[0], p.tower[1])
	m.headOutput(p, main, m.finishTower(p, main, &m.cls, p.tower[0], p.tower[2]), m.cls.out, p.clsOut)
	m.headOutput(p, main, m.finishTower(p, main, &m.box, p.tower[1], p.tower[2]), m.box.out, p.boxOut)
}

// towersSideBySide runs the class tower on half the threads (lane 0 on
// m.lanes[0]) while the box tower and its output conv run on the other
// half (lane 1 on m.lanes[1]), then the class output conv, the largest
// conv of the network, on all of them (lane 0 on m.engine). The two towers are the same convs
// on the same input, so the halves take about as long; each lane's
// transformed inputs and sums stay in its own cores' caches instead of
// being written by one core and read by the other at every conv.
func (m *Model) towersSideBySide(p *plan) {
	p.lanes[0].engine = m.lanes[0]
	p.towersJob = towersJob{m: m, p: p}
	m.engine.ParallelRange(&p.towersJob, 2)
	p.lanes[0].engine = m.engine
	m.headOutput(p, &p.lanes[0], p.towersJob.cls, m.cls.out, p.clsOut)
	p.towersJob = towersJob{}
}

// towersJob is towersSideBySide's two halves: part 0 the class tower
// (its output left in cls), part 1 the box tower and output conv.
type towersJob struct {
	m   *Model
	p   *plan
	cls []int8
}

func (j *towersJob) RunRange(_, lo, hi int) {
	m, p := j.m, j.p
	for i := lo; i < hi; i++ {
		ln := &p.lanes[i]
		if i == 0 {
			m.towerConv(p, ln, p.pyramid, m.cls.tower[0], p.tower[0])
			j.cls = m.finishTower(p, ln, &m.cls, p.tower[0], p.tower[2])
			continue
		}
		ln.hs.fresh()
		m.towerConv(p, ln, p.pyramid, m.box.tower[0], p.tower[1])
		m.headOutput(p, ln, m.finishTower(p, ln, &m.box, p.tower[1], p.tower[3]), m.box.out, p.boxOut)
	}
}

// headLane is what a head's convs run on: an engine, the Winograd plan
// and the levels' requantizations (headState), the im2col and int32
// scratch, and the jobs split over its threads.
type headLane struct {
	engine     *kernels.Engine
	hs         headState
	col        []int8
	acc        []int32
	colJob     colJob
	gnJob      groupNormJob
	dequantJob dequantJob
}

// finishTower runs a head's remaining tower layers from a (the first
// layer's output), ping-ponging with other, and returns the last one's
// output.
func (m *Model) finishTower(p *plan, ln *headLane, h *qhead, a, other []int8) []int8 {
	for _, l := range h.tower[1:] {
		m.towerConv(p, ln, a, l, other)
		a, other = other, a
	}
	return a
}

// headState is what the heads keep between convs: the Winograd plan of
// the pyramid's tiles, the levels' requantizations of the current conv,
// and which input the lane's col or the Winograd plan still holds.
type headState struct {
	wino     *kernels.Wino8Plan
	rq       [net.NumLevels]*kernels.Requant
	fAt      [net.NumLevels]int       // an output conv's levels in its float output
	fScale   [net.NumLevels][]float32 // and their accumulator scales
	colOf    []int8                   // the input whose im2col the lane's col holds
	winoOf   []int8                   // the input whose transform wino holds
	winoSize int                      // the channels wino was planned for
}

// fresh forgets the inputs of the last pass (their buffers are rewritten).
func (h *headState) fresh() { h.colOf, h.winoOf = nil, nil }

// headConv runs the head conv c on the all-levels map x into dst
// (FPNWidth x total) or, with dst nil, into the lane's int32 acc; with f set
// (an output conv), it may instead dequantize into f in boxes.Level's
// layout, reporting whether it did.
func (m *Model) headConv(p *plan, ln *headLane, x []int8, c levelConv, dst []int8, f []float32) bool {
	t, hs, e := p.total, &ln.hs, ln.engine
	if w := c[0].wino; w != nil && e.Int8Impl().Wino8Fast() {
		if hs.wino == nil || hs.winoSize != w.C {
			threads := e.Threads()
			if ln == &p.lanes[0] {
				threads = m.engine.Threads() // lane 0 runs the class output conv on the model's engine too
			}
			hs.wino = kernels.NewWino8Plan(threads, w.C, m.levelImages(p, c))
			hs.winoSize = w.C
		}
		for l, lc := range c {
			hs.rq[l] = &lc.rq
			hs.wino.SetPad(l, int8(lc.In.Zero))
		}
		out := kernels.Wino8Out{C: dst, Ldc: t, Rq: hs.rq[:], Reuse: sameMap(hs.winoOf, x)}
		if f != nil {
			for l, lc := range c {
				hs.fAt[l], hs.fScale[l] = lc.OutC*p.off[l], lc.accScale
			}
			out.F, out.FAt, out.FScale = f, hs.fAt[:], hs.fScale[:]
		} else if dst == nil {
			out.Acc = ln.acc
		}
		e.Wino8Conv(w, hs.wino, x, t, out)
		hs.winoOf = x
		return f != nil
	}
	if !sameMap(hs.colOf, x) {
		m.levelCol(p, ln, x, c)
		hs.colOf = x
	}
	for lv, lc := range c {
		lo := p.off[lv]
		if dst == nil {
			e.GemmI8Acc(lc.packed, p.off[lv+1]-lo, ln.col[lo:], t, ln.acc[lo:], t, lc.Bias)
		} else {
			e.GemmI8(lc.packed, p.off[lv+1]-lo, ln.col[lo:], t, dst[lo:], t, &lc.rq)
		}
	}
	return false
}

// sameMap reports whether a and b are the same buffer.
func sameMap(a, b []int8) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }

// levelImages lists the pyramid levels as the Winograd conv's images,
// each padded with its input zero point.
func (m *Model) levelImages(p *plan, c levelConv) []kernels.Wino8Image {
	var im []kernels.Wino8Image
	for l := range net.NumLevels {
		im = append(im, kernels.Wino8Image{H: p.levelH[l], W: p.levelW[l], Src: p.off[l], Dst: p.off[l], Pad: int8(c[l].In.Zero)})
	}
	return im
}

// levelCol writes the 3x3 same-conv im2col of the all-levels map x into
// the lane's col (9*FPNWidth x total), each level's columns from its own
// planes, padded with the level's input zero point (the real zero).
func (m *Model) levelCol(p *plan, ln *headLane, x []int8, c levelConv) {
	ln.colJob = colJob{im: ln.engine.Int8Impl(), s: c[0].Shape, src: x, floor: -128, col: ln.col, levels: p}
	for l, lc := range c {
		ln.colJob.pads[l] = int8(lc.In.Zero)
	}
	ln.engine.ParallelRange(&ln.colJob, c[0].Shape.ColRows())
	ln.colJob = colJob{}
}

// towerConv runs one tower layer on x into dst (FPNWidth x total).
func (m *Model) towerConv(p *plan, ln *headLane, x []int8, l towerLayer, dst []int8) {
	if l.gamma == nil {
		m.headConv(p, ln, x, l.conv, dst, nil)
		return
	}
	// GroupNorm has no int8 form: normalise the dequantized sums in float,
	// on every thread, a share of the groups each (one lane only: the
	// norm scratch is the plan's).
	m.headConv(p, ln, x, l.conv, nil, nil)
	for lv, c := range l.conv {
		lo, hw := p.off[lv], p.off[lv+1]-p.off[lv]
		ln.gnJob = groupNormJob{im: ln.engine.Int8Impl(), p: p, acc: ln.acc, gamma: l.gamma, beta: l.beta, c: c, lo: lo, hw: hw, dst: dst}
		ln.engine.ParallelRange(&ln.gnJob, net.GroupNormGroups)
		ln.gnJob = groupNormJob{}
	}
}

// groupNormJob is a GroupNorm tower layer's float part on one level:
// dequantize its accumulators, normalise, ReLU and quantize again, split
// over threads by group.
type groupNormJob struct {
	im          *kernels.Int8Impl
	p           *plan
	acc         []int32
	gamma, beta []float32
	c           *Conv
	lo, hw      int
	dst         []int8
}

func (j *groupNormJob) RunRange(_, g0, g1 int) {
	p, c, t, lo, hw := j.p, j.c, j.p.total, j.lo, j.hw
	per := c.OutC / net.GroupNormGroups
	for ch := g0 * per; ch < g1*per; ch++ {
		dequantize(p.norm[ch*t+lo:ch*t+lo+hw], j.acc[ch*t+lo:ch*t+lo+hw], c.accScale[ch])
	}
	groupNormReLURange(p.norm, t, lo, hw, c.OutC, j.gamma, j.beta, g0, g1)
	for ch := g0 * per; ch < g1*per; ch++ {
		quantizeInto(j.im, j.dst[ch*t+lo:ch*t+lo+hw], p.norm[ch*t+lo:ch*t+lo+hw], c.Out)
	}
}

// headOutput runs an output conv on x and dequantizes its accumulators
// into out, level by level in boxes.Level's layout: in the Winograd
// conv's output transform, or after the GEMMs, a share of the channels
// on each thread.
func (m *Model) headOutput(p *plan, ln *headLane, x []int8, c levelConv, out []float32) {
	if m.headConv(p, ln, x, c, nil, out) {
		return
	}
	ln.dequantJob = dequantJob{p: p, acc: ln.acc, c: c, out: out}
	ln.engine.ParallelRange(&ln.dequantJob, c[0].OutC)
	ln.dequantJob = dequantJob{}
}

// dequantJob is an output conv's dequantization, split by channel.
type dequantJob struct {
	p   *plan
	acc []int32
	c   levelConv
	out []float32
}

func (j *dequantJob) RunRange(_, ch0, ch1 int) {
	p, t, outC := j.p, j.p.total, j.c[0].OutC
	for l, lc := range j.c {
		lo, hw := p.off[l], p.off[l+1]-p.off[l]
		acc := j.acc[lo:]
		dst := j.out[outC*lo : outC*(lo+hw)]
		for ch := ch0; ch < ch1; ch++ {
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
