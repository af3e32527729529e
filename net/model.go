package net

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
)

// Options chooses how a model runs: the kernel tier (nil: kernels.Active(),
// which RETINA_KERNELS can force) and the number of GEMM threads (< 1: 1),
// or an Engine to run on (its tier and threads; the model does not own it,
// and Close leaves it running).
type Options struct {
	Impl    *kernels.Impl
	Threads int
	Engine  *kernels.Engine
}

// Model is a float RetinaNet ready to run: batch norms folded, weights
// packed for one kernel tier, activation buffers planned per input size.
// A Model is not safe for concurrent use.
type Model struct {
	cfg          Config
	arch         *Arch
	engine       *kernels.Engine
	sharedEngine bool // engine came with Options: Close leaves it running
	observe      Observer
	obsBuf       []float32 // observing only: unfused joins, gathered levels

	stem   *conv
	stages [4][]block
	inner  [3]*conv // FPN lateral 1x1 convs on C3..C5
	layer  [3]*conv // FPN 3x3 output convs giving P3..P5
	p6, p7 *conv

	clsTower, boxTower []headLayer
	clsOut, boxOut     *conv
	// firstTower stacks the class and box towers' first convs, which share
	// their input: one conv of 2*FPNWidth outputs.
	firstTower *conv

	plan *plan
}

// block is a residual block: its convs in order, then the join with the
// identity or with down(input); the last conv adds into the join's buffer.
type block struct {
	convs []*conv
	down  *conv
}

// headLayer is one tower conv, followed by GroupNorm+ReLU when gn is set
// (otherwise the ReLU is fused into the conv).
type headLayer struct {
	conv *conv
	gn   *groupNorm
}

// NewModel builds a model from torchvision state_dict tensors on threads
// GEMM threads with the active kernel tier. See NewModelWith.
func NewModel(cfg Config, weights map[string]Param, threads int) (*Model, error) {
	return NewModelWith(cfg, weights, Options{Threads: threads})
}

// NewModelWith builds a model from weights named and shaped as torchvision's
// state_dict for cfg (Config.Params lists them; no other tensor may be
// present). Every tensor is checked before anything large is allocated, and
// an error names the offending tensor.
func NewModelWith(cfg Config, weights map[string]Param, opts Options) (*Model, error) {
	specs, err := cfg.Params()
	if err != nil {
		return nil, err
	}
	if err := CheckWeights(specs, weights); err != nil {
		return nil, err
	}
	return newModel(cfg, mapSource(weights), opts), nil
}

// mapSource hands out the tensors of a state_dict held in memory.
func mapSource(weights map[string]Param) tensorSource {
	return func(name string) []float32 { return weights[name].Data }
}

// tensorSource hands the builder a checked state_dict tensor by name. The
// builder asks for each tensor once, in state_dict order (Config.Params),
// and keeps none of them: it packs, folds or copies what it needs, so a
// source may generate or decode each tensor on demand and the tensors need
// never be in memory all at once.
type tensorSource func(name string) []float32

// newModel builds the layers of cfg (valid) from src.
func newModel(cfg Config, src tensorSource, opts Options) *Model {
	impl := opts.Impl
	if opts.Engine != nil {
		impl = opts.Engine.Impl()
	}
	if impl == nil {
		impl = kernels.Active()
	}
	a := newArch(&cfg)
	b := builder{impl: impl, src: src}
	if len(a.ClsTower) > 0 {
		b.clsFirst, b.boxFirst = a.ClsTower[0].Name, a.BoxTower[0].Name
	}
	m := &Model{cfg: cfg, arch: a}
	m.stem = b.conv(a.Stem)
	for s, st := range a.Stages {
		for _, bs := range st {
			var blk block
			for _, cs := range bs.Convs {
				blk.convs = append(blk.convs, b.conv(cs))
			}
			if bs.Down != nil {
				blk.down = b.conv(*bs.Down)
			}
			// The last conv's ReLU comes after the join, still in its epilogue.
			blk.convs[len(blk.convs)-1].relu = true
			m.stages[s] = append(m.stages[s], blk)
		}
	}
	for i := range 3 {
		m.inner[i] = b.conv(a.Inner[i])
	}
	for i := range 3 {
		m.layer[i] = b.conv(a.Layer[i])
	}
	m.p6, m.p7 = b.conv(a.P6), b.conv(a.P7)
	m.clsTower = b.tower(a.ClsTower)
	m.clsOut = b.conv(a.ClsOut)
	m.boxTower = b.tower(a.BoxTower)
	m.boxOut = b.conv(a.BoxOut)
	m.firstTower = b.first
	m.engine, m.sharedEngine = opts.Engine, opts.Engine != nil
	if m.engine == nil {
		m.engine = kernels.NewEngine(impl, opts.Threads)
	}
	return m
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Kernels returns the tier the model runs on.
func (m *Model) Kernels() *kernels.Impl { return m.engine.Impl() }

// Close stops the model's GEMM threads (unless it runs on an engine of
// Options); the model must not be used after.
func (m *Model) Close() {
	if !m.sharedEngine {
		m.engine.Close()
	}
}

// builder turns state_dict tensors into packed layers, one conv at a time.
type builder struct {
	impl *kernels.Impl
	src  tensorSource
	// The towers' first convs (named clsFirst and boxFirst) share their
	// input and run as one conv of stacked weights, first; the class
	// tower's conv and weights wait in cls, clsW for the box tower's.
	clsFirst, boxFirst string
	cls                *conv
	clsW               []float32
	first              *conv
}

func (b *builder) conv(s ArchConv) *conv {
	w := b.src(s.Name + ".weight")
	var bias []float32
	if s.Bias {
		bias = append([]float32(nil), b.src(s.Name+".bias")...)
	}
	if s.BN != "" {
		// The source's order: the batch norm's weight, bias, mean, variance.
		gamma, beta := b.src(s.BN+".weight"), b.src(s.BN+".bias")
		mean, variance := b.src(s.BN+".running_mean"), b.src(s.BN+".running_var")
		w, bias = FoldBatchNorm(w, bias, gamma, beta, mean, variance)
	}
	c := &conv{ArchConv: s, relu: s.ReLU && s.GN == "", bias: bias}
	if b.stacks(c, w) {
		return c
	}
	if tile := winogradTileFor(s); tile != 0 {
		c.wino = newWinogradConv(b.impl, w, s.OutC, s.InC, tile)
	} else {
		k := s.ColRows()
		c.packed = kernels.PackA(b.impl, false, s.OutC, k, w, k)
	}
	return c
}

// stacks takes the towers' first convs (3x3 convs of the same input, no
// batch norm): the class tower's weights wait, and with the box tower's
// they make b.first, a Winograd conv computing the class tower's then the
// box tower's output channels. Neither conv keeps weights of its own: only
// b.first runs.
func (b *builder) stacks(c *conv, w []float32) bool {
	switch c.Name {
	case "":
		return false
	case b.clsFirst:
		b.cls, b.clsW = c, append([]float32(nil), w...)
		return true
	case b.boxFirst:
		s := *b.cls
		s.Name = b.cls.Name + "+" + c.Name
		s.OutC = b.cls.OutC + c.OutC
		if c.bias != nil {
			s.bias = append(append([]float32(nil), b.cls.bias...), c.bias...)
		}
		s.wino = newWinogradConv(b.impl, append(b.clsW, w...), s.OutC, s.InC, winogradTileFor(b.cls.ArchConv))
		b.first, b.cls, b.clsW = &s, nil, nil
		return true
	}
	return false
}

func (b *builder) tower(specs []ArchConv) []headLayer {
	out := make([]headLayer, len(specs))
	for i, s := range specs {
		out[i].conv = b.conv(s)
		if s.GN != "" {
			out[i].gn = &groupNorm{groups: GroupNormGroups,
				gamma: append([]float32(nil), b.src(s.GN+".weight")...),
				beta:  append([]float32(nil), b.src(s.GN+".bias")...)}
		}
	}
	return out
}

func (m *Model) String() string {
	return fmt.Sprintf("RetinaNet(%s, %d classes, %s kernels)", m.cfg.Backbone, m.cfg.NumClasses, m.engine.Impl().Name)
}
