package net

import (
	"errors"

	"github.com/retina-edge/retina/kernels"
)

// Stages runs a Model's forward pass on one image as two stages, so that a
// pipeline can put consecutive frames through them: Backbone (the backbone
// and the FPN) and Heads (both heads over all levels). A frame's P3..P7
// pass from one stage to the other in a Pyramid and the heads write into a
// HeadBuffers, both owned by the caller: with two of each, the stages can
// work on different frames and neither allocates in steady state.
//
// Neither stage may run concurrently with itself, and the Model's Forward
// must not run while the Stages are in use (they share the model's engine).
// Whether Backbone and Heads may run at the same time depends on
// NewStages. Results equal Forward's bit for bit: same code, same tier, and
// sums do not depend on the thread count.
type Stages struct {
	m     *Model
	heads Model // m's layers on the heads' engine
	own   bool  // heads has an engine of its own

	// base holds the planned buffers for the current input size. It is
	// never written after planning; each stage works on its own copy of
	// the struct (the buffers are shared: the stages touch disjoint ones),
	// so a stage may copy a plan while the other runs.
	base    *plan
	bview   plan
	hview   plan
	hviewOf *plan
}

// NewStages prepares m for staged use. With headThreads > 0 the heads get
// an engine of their own with that many threads, and Backbone and Heads may
// run at the same time (on different pyramids). With headThreads < 1 the
// heads run on the model's engine, and the caller must let the two stages
// take turns. Close stops the heads' own threads; m stays usable.
func (m *Model) NewStages(headThreads int) *Stages {
	s := &Stages{m: m, heads: *m}
	if headThreads > 0 {
		s.heads.engine = kernels.NewEngine(m.engine.Impl(), headThreads)
		s.own = true
	}
	s.heads.plan = nil
	return s
}

// Close stops the heads' own engine, if any. The Stages must not be used
// after.
func (s *Stages) Close() {
	if s.own {
		s.heads.engine.Close()
	}
}

// Pyramid is one frame's FPN output (P3..P7 of every channel side by side),
// written by Backbone and read by Heads. The zero value is ready to use;
// its buffer is sized by the first Backbone of an input size.
type Pyramid struct {
	plan *plan
	data []float32
}

// HeadBuffers receive one frame's head outputs. The zero value is ready to
// use; its tensors are sized by the first Heads of an input size.
type HeadBuffers struct {
	plan    *plan
	outputs [NumLevels]HeadOutput
}

// Backbone runs the backbone and the FPN on a 3 x h x w normalised input
// into dst. A new input size plans new buffers; pyramids of the old size
// still in flight stay valid for Heads.
func (s *Stages) Backbone(h, w int, input []float32, dst *Pyramid) error {
	if err := checkInputSize(1, h, w, len(input)); err != nil {
		return err
	}
	if s.base == nil || s.base.h != h || s.base.w != w {
		s.base = nil
		// Pyramids and head buffers come from the caller. Stages that take
		// turns share the heads' buffers with the backbone's.
		p, err := s.m.newPlan(1, h, w, true, !s.own)
		if err != nil {
			return err
		}
		s.base, s.bview = p, *p
	}
	p := &s.bview
	if dst.plan != s.base {
		n := s.m.cfg.FPNWidth * s.base.total
		if cap(dst.data) < n {
			dst.data = make([]float32, n)
		}
		dst.data, dst.plan = dst.data[:n], s.base
	}
	p.pyramid = dst.data
	s.m.backbone(p, Tensor{Shape: [4]int{1, 3, h, w}, Data: input})
	s.m.fpn(p)
	p.pyramid = nil
	return nil
}

// Heads runs both heads on a pyramid Backbone filled and returns, per level
// P3..P7, the class logits and box deltas, which live in dst until its next
// use.
func (s *Stages) Heads(src *Pyramid, dst *HeadBuffers) ([]HeadOutput, error) {
	if src.plan == nil {
		return nil, errors.New("net: Heads on a pyramid that Backbone has not filled")
	}
	if s.hviewOf != src.plan {
		s.hview, s.hviewOf = *src.plan, src.plan
		// The plan gave each of the model's threads its transform rows; an
		// own heads engine may have more threads.
		if n := s.heads.engine.Threads() * src.plan.hsc.rowsPer; n > len(s.hview.hsc.wRows) {
			s.hview.hsc.wRows = make([]float32, n)
		}
	}
	if dst.plan != src.plan {
		dst.size(src.plan, &s.m.cfg)
	}
	p := &s.hview
	p.pyramid, p.outputs = src.data, dst.outputs
	s.heads.heads(p, 0)
	p.pyramid, p.outputs = nil, [NumLevels]HeadOutput{}
	return dst.outputs[:], nil
}

// size shapes the outputs for plan p, reusing their memory when it is large
// enough.
func (b *HeadBuffers) size(p *plan, cfg *Config) {
	a := cfg.AnchorsPerCell()
	for l := range NumLevels {
		h, w := p.levelH[l], p.levelW[l]
		b.outputs[l].ClassLogits = reshape(b.outputs[l].ClassLogits, a*cfg.NumClasses, h, w)
		b.outputs[l].BoxDeltas = reshape(b.outputs[l].BoxDeltas, a*4, h, w)
	}
	b.plan = p
}

// reshape returns a 1 x c x h x w tensor over t's memory when it fits.
func reshape(t Tensor, c, h, w int) Tensor {
	if n := c * h * w; cap(t.Data) >= n {
		return Tensor{Shape: [4]int{1, c, h, w}, Data: t.Data[:n]}
	}
	return newTensor(1, c, h, w)
}
