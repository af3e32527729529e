package net

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
)

// is64 is 1 where int has 64 bits, 0 where it has 32.
const is64 = ^uint(0) >> 63

// maxInputElements bounds an input (2^31 floats; 2^26 on 32-bit machines,
// where every buffer size derived from it must still fit an int) and
// maxPlanElements one planned buffer (8 GiB; 1 GiB on 32-bit machines):
// sizes beyond them are refused before any allocation.
const (
	maxInputElements = 1 << (26 + 5*is64)
	maxPlanElements  = 1 << (28 + 3*is64)
)

// plan holds every activation buffer of a forward pass for one input size,
// allocated once and reused by every Forward of that size.
type plan struct {
	batch, h, w int

	stem, pool Tensor
	stages     [4]Tensor // C2..C5; stages[0] may share pool's memory
	scratch    [2][]float32
	sc         convScratch // the backbone's and the FPN's convs, in the current step's buffer (scFor)
	scBufs     [stepFPN + 1][]float32
	hsc        convScratch // the heads' Winograd scratch: apart from sc, so the two stages can overlap

	lateral [3]Tensor // the FPN's last_inner at C3..C5 resolution
	p6ReLU  Tensor    // relu(P6), P7's input
	upCols  []int     // nearest-upsample column table
	rowMax  []float32 // max-pool row scratch, one row per thread
	poolJob poolJob   // the element-wise layers' jobs, split over threads
	upJob   upsampleJob
	reluJob reluJob

	// P3..P7 and the head towers are batch x FPNWidth x total: each channel
	// is one row holding every level, level l in columns off[l]..off[l+1].
	levelH, levelW [NumLevels]int
	off            [NumLevels + 1]int
	total          int
	pyramid        []float32
	towerPair      []float32    // one image's class and box towers: 2*FPNWidth x total
	towerScratch   []float32    // FPNWidth x total, the towers' ping-pong partner
	tiles          tileGrid     // the heads' Winograd tiles, all levels side by side
	winoIn         winoInJob    // the Winograd transforms, split over threads by channel
	gn             groupNormJob // a tower's GroupNorm, split over threads by group
	headOut        headOutJob   // a head conv's chunk of output transforms

	outputs [NumLevels]HeadOutput
	outList []HeadOutput // outputs[:], handed to callers
}

// sizes walks the network for a batch x 3 x h x w input and returns the
// shapes every buffer needs. It allocates only small slices of ints.
type planSizes struct {
	stem, pool [4]int
	stages     [4][4]int
	stage0Own  bool // stage 1's first block has a downsample: its output cannot reuse pool's buffer
	scratch    [2]int
	sc         [stepFPN + 1]int // each step's conv scratch: the most one of its convs needs (im2col matrix or Winograd buffers)
	levels     [NumLevels][4]int
	pyramid    int // batch x FPNWidth x total
	tiles      tileGrid
	wRows      int
	hwino      int // Winograd scratch of the heads, over all levels
	hwv        int // the heads' transformed input, the same for every head conv
	hwRows     int
}

func (m *Model) planSizes(batch, h, w int) planSizes {
	var s planSizes
	grow := func(dst *int, n int) { *dst = max(*dst, n) }
	step := stepStem
	colFor := func(c *conv, h, w int) {
		grow(&s.sc[step], c.colSize(h, w))
		if c.wino != nil {
			ws, rows := c.winogradScratch(h, w)
			grow(&s.sc[step], ws.sum())
			grow(&s.wRows, rows)
		}
	}
	colFor(m.stem, h, w)
	h, w = m.stem.OutSize(h), m.stem.OutSize(w)
	s.stem = [4]int{batch, m.cfg.StemWidth, h, w}
	h, w = kernels.PoolSize(h), kernels.PoolSize(w)
	s.pool = [4]int{batch, m.cfg.StemWidth, h, w}
	for st, blocks := range m.stages {
		step = stepStage0 + st
		for bi, blk := range blocks {
			if blk.down != nil {
				colFor(blk.down, h, w)
				if st == 0 && bi == 0 {
					s.stage0Own = true
				}
			}
			bh, bw := h, w
			for i, c := range blk.convs {
				colFor(c, bh, bw)
				bh, bw = c.OutSize(bh), c.OutSize(bw)
				if i < len(blk.convs)-1 {
					grow(&s.scratch[i%2], batch*c.OutC*bh*bw)
				}
			}
			h, w = bh, bw
		}
		s.stages[st] = [4]int{batch, m.cfg.StageChannels()[st], h, w}
	}
	f := m.cfg.FPNWidth
	step = stepFPN
	for i := range 3 {
		sh := s.stages[i+1]
		colFor(m.inner[i], sh[2], sh[3])
		colFor(m.layer[i], sh[2], sh[3])
		s.levels[i] = [4]int{batch, f, sh[2], sh[3]}
	}
	p6in := s.levels[2]
	if m.arch.P6Input == FeatureC5 {
		p6in = s.stages[3]
	}
	colFor(m.p6, p6in[2], p6in[3])
	h, w = m.p6.OutSize(p6in[2]), m.p6.OutSize(p6in[3])
	s.levels[3] = [4]int{batch, f, h, w}
	colFor(m.p7, h, w)
	s.levels[4] = [4]int{batch, f, m.p7.OutSize(h), m.p7.OutSize(w)}
	total := 0
	for _, l := range s.levels {
		total += l[2] * l[3]
	}
	s.pyramid = batch * f * total
	var lh, lw [NumLevels]int
	for l, sh := range s.levels {
		lh[l], lw[l] = sh[2], sh[3]
	}
	tile := m.clsOut.wino.tile
	s.tiles = newTileGrid(lh, lw, tile)
	// The heads' Winograd convs run over all levels' tiles at once.
	for _, c := range m.headConvs() {
		ws := c.wino.sizes(s.tiles.total())
		grow(&s.hwino, ws.sum())
		s.hwv = ws.v
	}
	s.hwRows = winogradRows(tile, s.tiles.th[0], s.tiles.tw[0]) // P3's tiles: the most rows and columns
	return s
}

// newPlan lays out the buffers for a batch x 3 x h x w input in one arena
// (see arena), refusing sizes whose buffers would not fit in memory before
// allocating any. Buffers share memory when they are never live at once:
// the stem's output with the later stages', every conv's im2col or
// Winograd scratch with each other, and, with shareHeads, the heads' towers
// and scratch with everything the backbone and the FPN use (Forward, and
// Stages that take turns). A staged plan has no pyramid and no outputs:
// those come from the caller.
func (m *Model) newPlan(batch, h, w int, staged, shareHeads bool) (*plan, error) {
	s := m.planSizes(batch, h, w)
	big := append([]int{shapeSize(s.stem[:]), s.scratch[0], s.scratch[1], s.pyramid, s.hwino}, s.sc[:]...)
	for _, st := range s.stages {
		big = append(big, shapeSize(st[:]))
	}
	for _, n := range big {
		if n < 0 || n > maxPlanElements {
			return nil, fmt.Errorf("input %dx3x%dx%d needs a buffer of %d floats, more than %d", batch, h, w, n, maxPlanElements)
		}
	}
	p := &plan{batch: batch, h: h, w: w}
	var a arena
	tensor := func(t *Tensor, shape [4]int, first, last int) {
		t.Shape = shape
		a.add(&t.Data, shapeSize(shape[:]), first, last)
	}
	// The heads' own buffers: live with everything unless shared.
	headIn, heads := stepHeadIn, stepHeads
	if !shareHeads {
		headIn, heads = stepStem, stepStem
	}
	tensor(&p.stem, s.stem, stepStem, stepPool)
	// Stage 0 runs in place on the pool's output unless its first block has
	// a downsample; C2 is last read by stage 1's first block.
	pool := stepStage0
	if !s.stage0Own {
		pool = stepStage0 + 1
	}
	tensor(&p.pool, s.pool, stepPool, pool)
	for i, st := range s.stages {
		if i == 0 && !s.stage0Own {
			continue
		}
		last := stepFPN // C3..C5 feed the FPN
		if i == 0 {
			last = stepStage0 + 1
		}
		tensor(&p.stages[i], st, stepStage0+i, last)
	}
	for i := range p.scratch {
		a.add(&p.scratch[i], s.scratch[i], stepStage0, stepStage0+3)
	}
	// A conv's im2col matrix and its Winograd buffers are never live at
	// once, and each step's convs have scratch of their own (scFor).
	for step, n := range s.sc {
		a.add(&p.scBufs[step], n, step, step)
	}
	var hsc []float32
	a.add(&hsc, s.hwino, headIn, stepHeads)
	for i := range 3 {
		tensor(&p.lateral[i], s.levels[i], stepFPN, stepFPN)
	}
	tensor(&p.p6ReLU, s.levels[3], stepFPN, stepFPN)
	f := m.cfg.FPNWidth
	for l, sh := range s.levels {
		p.levelH[l], p.levelW[l] = sh[2], sh[3]
		p.off[l+1] = p.off[l] + sh[2]*sh[3]
	}
	p.total = p.off[NumLevels]
	a.add(&p.towerPair, 2*f*p.total, heads, stepHeads)
	a.add(&p.towerScratch, f*p.total, heads, stepHeads)
	if !staged {
		// With one image, the pyramid is read only by the heads' first
		// transform, after which the towers may take its memory.
		last := stepHeads
		if batch == 1 {
			last = stepHeadIn
		}
		a.add(&p.pyramid, s.pyramid, stepFPN, last)
		// The outputs outlive the pass: they never share.
		anchors := m.cfg.AnchorsPerCell()
		for l, sh := range s.levels {
			tensor(&p.outputs[l].ClassLogits, [4]int{batch, anchors * m.cfg.NumClasses, sh[2], sh[3]}, stepStem, stepHeads)
			tensor(&p.outputs[l].BoxDeltas, [4]int{batch, anchors * 4, sh[2], sh[3]}, stepStem, stepHeads)
		}
		p.outList = p.outputs[:]
	}
	a.place()
	a.alloc()
	if !s.stage0Own {
		p.stages[0] = Tensor{Shape: s.stages[0], Data: p.pool.Data}
	}
	threads := m.engine.Threads()
	p.sc = convScratch{wRows: make([]float32, s.wRows*threads), rowsPer: s.wRows}
	p.hsc = convScratch{wbuf: hsc, wv: hsc[:s.hwv], wRows: make([]float32, s.hwRows*threads), rowsPer: s.hwRows}
	p.tiles = s.tiles
	p.upCols = make([]int, s.levels[0][3])
	p.rowMax = make([]float32, s.stem[3]*threads)
	return p, nil
}

func newTensorShape(s [4]int) Tensor { return newTensor(s[0], s[1], s[2], s[3]) }

// scFor points the backbone's and the FPN's conv scratch at step's
// buffer and returns it.
func (p *plan) scFor(step int) *convScratch {
	p.sc.col, p.sc.wbuf = p.scBufs[step], p.scBufs[step]
	return &p.sc
}

// levelPlanes is level l of one image's c x total buffer.
func (p *plan) levelPlanes(img []float32, l, c int) planes {
	return planes{data: img[p.off[l]:], c: c, h: p.levelH[l], w: p.levelW[l], stride: p.total}
}

// view shapes the front of buf as an n x c x h x w tensor.
func view(buf []float32, n, c, h, w int) Tensor {
	return Tensor{Shape: [4]int{n, c, h, w}, Data: buf[:n*c*h*w]}
}

// checkInputSize refuses dimensions that overflow before any planning.
func checkInputSize(batch, h, w, have int) error {
	if batch < 1 || h < 1 || w < 1 {
		return fmt.Errorf("forward: input %dx3x%dx%d has an empty dimension", batch, h, w)
	}
	if batch > maxInputElements || h > maxInputElements || w > maxInputElements || batch*3 > maxInputElements/h/w {
		return fmt.Errorf("forward: input %dx3x%dx%d is too large", batch, h, w)
	}
	if have != batch*3*h*w {
		return fmt.Errorf("forward: input has %d floats, %dx3x%dx%d needs %d", have, batch, h, w, batch*3*h*w)
	}
	return nil
}
