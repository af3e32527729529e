package stream

import (
	"fmt"
	"time"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/detect"
)

// backboneStage runs the backbone and the FPN from the frame's input buffer
// into a pyramid, then frees the input buffer.
func (p *Pipeline) backboneStage(st *net.Stages, b *buffers, t *stageTimer) stageFunc {
	return func(f *frame) error {
		f.pyr = <-b.pyrs
		p.turn()
		start := time.Now()
		err := st.Backbone(f.geo.PaddedH, f.geo.PaddedW, *f.in, f.pyr)
		t.add(start)
		p.endTurn()
		b.inputs <- f.in
		f.in = nil
		if err != nil {
			return fmt.Errorf("frame %d: %w", f.seq, err)
		}
		return nil
	}
}

// headsStage runs the heads from the frame's pyramid into head buffers,
// then frees the pyramid.
func (p *Pipeline) headsStage(st *net.Stages, b *buffers, t *stageTimer) stageFunc {
	return func(f *frame) error {
		f.hb = <-b.heads
		p.turn()
		start := time.Now()
		var err error
		f.outs, err = st.Heads(f.pyr, f.hb)
		t.add(start)
		p.endTurn()
		b.pyrs <- f.pyr
		f.pyr = nil
		if err != nil {
			return fmt.Errorf("frame %d: %w", f.seq, err)
		}
		return nil
	}
}

// turn waits for the other network stage to finish its frame, unless the
// stages overlap (Options.HeadThreads > 0).
func (p *Pipeline) turn() {
	if p.opts.HeadThreads <= 0 {
		p.netMu.Lock()
	}
}

func (p *Pipeline) endTurn() {
	if p.opts.HeadThreads <= 0 {
		p.netMu.Unlock()
	}
}

// networkStage runs a one-piece network and the postprocess (its outputs
// are only valid until its next call) into the frame's detections.
func (p *Pipeline) networkStage(b *buffers, t *stageTimer) stageFunc {
	return func(f *frame) error {
		start := time.Now()
		levels, err := p.network.Heads(f.geo.PaddedH, f.geo.PaddedW, *f.in)
		b.inputs <- f.in
		f.in = nil
		if err == nil {
			err = p.postprocess(f, levels)
		}
		t.add(start)
		if err != nil {
			return fmt.Errorf("frame %d: %w", f.seq, err)
		}
		return nil
	}
}

// headLevels views a frame's head outputs as the postprocess's levels.
func headLevels(dst []boxes.Level, outs []net.HeadOutput) []boxes.Level {
	dst = dst[:0]
	for _, o := range outs {
		dst = append(dst, boxes.Level{Logits: o.ClassLogits.Image(0), Deltas: o.BoxDeltas.Image(0),
			H: o.ClassLogits.H(), W: o.ClassLogits.W()})
	}
	return dst
}

// postprocess decodes and filters the boxes as net/detect does and maps them
// back to the original picture, into f.dets.
func (p *Pipeline) postprocess(f *frame, levels []boxes.Level) error {
	g := f.geo
	dets, err := p.post.Run(levels, g.ResizedW, g.ResizedH, g.PaddedW, g.PaddedH, kernels.Sigmoid)
	if err != nil {
		return err
	}
	f.dets = f.dets[:0]
	for _, d := range dets {
		f.dets = append(f.dets, detect.Detection{Class: d.Class, Label: p.labels[d.Class], Score: d.Score,
			Box: g.ScaleBoxBack([4]float32(d.Box))})
	}
	return nil
}
