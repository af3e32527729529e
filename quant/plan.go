package quant

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
)

// maxInputPixels bounds h*w of an input, and maxPlanElements any one
// buffer of its plan (2^31 values; 2^28 on 32-bit machines, where every
// size computed from them must still fit an int), as package net bounds
// the float model's.
const (
	is64            = ^uint(0) >> 63
	maxInputPixels  = 1 << 26
	maxPlanElements = 1 << (28 + 3*is64)
)

// qmap is one contiguous int8 CHW feature map.
type qmap struct {
	c, h, w int
	data    []int8
}

// plan holds every buffer of a forward pass for one input size, allocated
// once and reused, so that later passes of that size allocate nothing.
type plan struct {
	h, w        int
	input       []int8
	stem, pool  qmap
	rowMax      []int8  // max-pool row scratch, one row per thread, rowMaxStride apart
	poolJob     poolJob // the element-wise layers' jobs, split over threads
	addJob      addJob
	upAddJob    upAddJob
	quantizeJob quantizeJob
	stageBuf    [4][2][]int8 // each stage's blocks alternate between two outputs
	stages      [4]qmap      // C2..C5 of the current pass (views of stageBuf)
	scratch     [2][]int8    // block convs before the last
	down        []int8
	col         []int8     // im2col matrix, the largest any conv needs
	colJob      colJob     // the im2col being split over threads
	convPlans   []convPlan // the Winograd backbone and FPN convs' (backbone_wino.go)
	lateral     [3]qmap
	upRows      [2][]int32 // nearest-upsample source rows and columns of the top-down sums
	upCols      [2][]int32

	// P3..P7 and the head towers are FPNWidth x total: row c holds channel
	// c of every level, level l in columns off[l]..off[l+1].
	levelH, levelW [net.NumLevels]int
	off            [net.NumLevels + 1]int
	total          int
	pyramid        []int8
	tower          [4][]int8   // the class tower's 0 and 2, the box tower's 1 and 2 (3 side by side)
	acc            []int32     // the int32 accumulators of the heads' GroupNorm and output convs
	norm           []float32   // GroupNorm heads: dequantized tower accumulators
	lanes          [2]headLane // heads.go: 0 runs on the model's engine; 1, the box tower's, side by side only
	towersJob      towersJob
	clsOut, boxOut []float32 // per level, A*K x h x w then A*4 x h x w, levels back to back
	levels         [net.NumLevels]boxes.Level
	levelList      []boxes.Level
}

// convOut is a conv's output size for an h x w input.
func convOut(c *Conv, h, w int) (int, int) {
	s := c.Shape
	s.H, s.W = h, w
	return s.OutH(), s.OutW()
}

func checkInputSize(h, w, n int) error {
	if h < 1 || w < 1 || h > maxInputPixels || w > maxInputPixels/h {
		return fmt.Errorf("quant: input %dx%d out of range (1..%d pixels)", h, w, maxInputPixels)
	}
	if n != 3*h*w {
		return fmt.Errorf("quant: input has %d values, want 3 x %d x %d", n, h, w)
	}
	return nil
}

// sizer multiplies buffer sizes, remembering the first that passes
// maxPlanElements (the factors themselves always fit an int).
type sizer struct{ err error }

func (z *sizer) mul(a, b int) int {
	if a > 0 && b > maxPlanElements/a {
		if z.err == nil {
			z.err = fmt.Errorf("quant: the input needs a buffer of %d x %d values, over %d", a, b, maxPlanElements)
		}
		return 0
	}
	return a * b
}

// col is the im2col scratch of c on an h x w input (0 for pointwise).
func (z *sizer) col(c *Conv, h, w int) int {
	s := c.Shape
	s.H, s.W = h, w
	if s.IsPointwise() {
		return 0
	}
	return z.mul(s.ColRows(), s.ColCols())
}

// newPlan sizes and allocates the buffers of an h x w input (checked by
// checkInputSize), refusing one whose buffers would be too large before
// allocating the largest of them.
// rowMaxStride is the distance between the threads' max-pool rows of w
// bytes: a cache line apart at least, since rows that shared a line made
// the two threads' writes to it take turns (the two-thread pool was
// slower than one thread's).
func rowMaxStride(w int) int { return (w+63)/64*64 + 64 }

func (m *Model) newPlan(h, w int) (*plan, error) {
	var z sizer
	p := &plan{h: h, w: w, input: make([]int8, 3*h*w)}
	col := z.col(m.stem, h, w)
	sh, sw := convOut(m.stem, h, w)
	p.stem = qmap{c: m.stem.OutC, h: sh, w: sw, data: make([]int8, z.mul(m.stem.OutC, sh*sw))}
	p.rowMax = make([]int8, rowMaxStride(sw)*m.engine.Threads())
	ph, pw := kernels.PoolSize(sh), kernels.PoolSize(sw)
	p.pool = qmap{c: m.stem.OutC, h: ph, w: pw, data: make([]int8, z.mul(m.stem.OutC, ph*pw))}
	var scratch [2]int
	down := 0
	var stageSize [4][3]int
	h, w = ph, pw
	for s, blocks := range m.stages {
		for _, blk := range blocks {
			bh, bw := h, w
			for i, c := range blk.convs {
				col = max(col, z.col(c, bh, bw))
				bh, bw = convOut(c, bh, bw)
				if i < len(blk.convs)-1 {
					scratch[i%2] = max(scratch[i%2], z.mul(c.OutC, bh*bw))
				}
			}
			if blk.down != nil {
				col = max(col, z.col(blk.down, h, w))
				dh, dw := convOut(blk.down, h, w)
				down = max(down, z.mul(blk.down.OutC, dh*dw))
			}
			h, w = bh, bw
			stageSize[s] = [3]int{blk.convs[len(blk.convs)-1].OutC, h, w}
		}
		n := z.mul(stageSize[s][0], stageSize[s][1]*stageSize[s][2])
		if z.err != nil {
			return nil, z.err
		}
		p.stageBuf[s][0] = make([]int8, n)
		if len(blocks) > 1 {
			p.stageBuf[s][1] = make([]int8, n)
		}
	}
	p.scratch = [2][]int8{make([]int8, scratch[0]), make([]int8, scratch[1])}
	p.down = make([]int8, down)
	f := m.cfg.FPNWidth
	for i := range 3 {
		st := stageSize[i+1]
		col = max(col, z.col(m.inner[i], st[1], st[2]), z.col(m.layer[i], st[1], st[2]))
		p.lateral[i] = qmap{c: f, h: st[1], w: st[2], data: make([]int8, z.mul(f, st[1]*st[2]))}
		p.levelH[i], p.levelW[i] = convOut(m.layer[i], st[1], st[2])
	}
	for i := range 2 {
		p.upRows[i] = make([]int32, p.lateral[i].h)
		p.upCols[i] = make([]int32, p.lateral[i].w)
		nearestTable(p.upRows[i], p.lateral[i+1].h)
		nearestTable(p.upCols[i], p.lateral[i+1].w)
	}
	p6h, p6w := p.levelH[2], p.levelW[2]
	if m.arch.P6Input == net.FeatureC5 {
		p6h, p6w = stageSize[3][1], stageSize[3][2]
	}
	col = max(col, z.col(m.p6, p6h, p6w))
	p.levelH[3], p.levelW[3] = convOut(m.p6, p6h, p6w)
	col = max(col, z.col(m.p7, p.levelH[3], p.levelW[3]))
	p.levelH[4], p.levelW[4] = convOut(m.p7, p.levelH[3], p.levelW[3])
	for l := range net.NumLevels {
		p.off[l+1] = p.off[l] + p.levelH[l]*p.levelW[l]
	}
	p.total = p.off[net.NumLevels]
	// Every head conv is a 3x3 same conv over all levels at once.
	col = max(col, z.mul(9*f, p.total))
	accRows := max(m.cls.out[0].OutC, m.box.out[0].OutC, f)
	z.mul(accRows, p.total)
	if z.err != nil {
		return nil, z.err
	}
	p.pyramid = make([]int8, f*p.total)
	sideBySide := m.lanes[0] != nil
	for i := range p.tower {
		if len(m.cls.tower) > 0 && (i < 3 || sideBySide) {
			p.tower[i] = make([]int8, f*p.total)
		}
	}
	if len(m.cls.tower) > 0 && m.cls.tower[0].gamma != nil {
		p.norm = make([]float32, f*p.total)
	}
	p.acc = make([]int32, accRows*p.total)
	p.col = make([]int8, col)
	p.lanes[0] = headLane{engine: m.engine, col: p.col, acc: p.acc}
	if sideBySide {
		// The box lane's own scratch, only where the heads' convs are not
		// Winograd ones (whose output conv dequantizes in its output
		// transform): im2col, and accumulators for the box output conv.
		p.lanes[1] = headLane{engine: m.lanes[1]}
		if !m.engine.Int8Impl().Wino8Fast() {
			p.lanes[1].col = make([]int8, z.mul(9*f, p.total))
			p.lanes[1].acc = make([]int32, m.box.out[0].OutC*p.total)
		}
	}
	nc, nb := m.cls.out[0].OutC, m.box.out[0].OutC
	p.clsOut = make([]float32, nc*p.total)
	p.boxOut = make([]float32, nb*p.total)
	for l := range net.NumLevels {
		p.levels[l] = boxes.Level{
			Logits: p.clsOut[nc*p.off[l] : nc*p.off[l+1]],
			Deltas: p.boxOut[nb*p.off[l] : nb*p.off[l+1]],
			H:      p.levelH[l], W: p.levelW[l],
		}
	}
	p.levelList = p.levels[:]
	return p, nil
}
