package stream

import (
	"context"
	"fmt"
	"time"
)

// publishAll is the last stage, on Run's goroutine: the postprocess of a
// split model's head outputs, the statistics, OnFrame and the sinks.
func (p *Pipeline) publishAll(ctx context.Context, cancel context.CancelFunc, b *buffers, in <-chan *frame) {
	for f := range in {
		if ctx.Err() == nil {
			if err := p.publish(b, f); err != nil {
				p.fail(err, cancel)
			}
		}
		b.release(f)
	}
}

func (p *Pipeline) publish(b *buffers, f *frame) error {
	defer p.timers[len(p.timers)-1].add(time.Now())
	if f.hb != nil {
		b.levels = headLevels(b.levels, f.outs)
		if err := p.postprocess(f, b.levels); err != nil {
			return fmt.Errorf("frame %d: %w", f.seq, err)
		}
	}
	bd := f.img.Bounds()
	p.res = Result{Frame: f.seq, Time: f.time, Width: bd.Dx(), Height: bd.Dy(), Detections: f.dets}
	p.st.record(f.time, time.Now())
	if p.opts.OnFrame != nil {
		p.opts.OnFrame(&p.res, f.img)
	}
	for _, k := range p.sinks {
		if err := k.Publish(&p.res); err != nil {
			return err
		}
	}
	return nil
}
