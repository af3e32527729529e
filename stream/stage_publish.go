package stream

import (
	"context"
	"fmt"
	"time"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/net/detect"
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
	dets, evs := f.dets, []events.Event(nil)
	if e := p.opts.Events; e != nil {
		dets, evs = e.Process(f.seq, f.time, dets)
		if err := p.saveSnapshots(f, dets, e.Snapshots()); err != nil {
			return err
		}
	}
	p.counts.add(dets, evs)
	bd := f.img.Bounds()
	p.res = Result{Frame: f.seq, Time: f.time, Width: bd.Dx(), Height: bd.Dy(), Detections: dets, Events: evs}
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

// saveSnapshots encodes the frame once for all the tracks whose best frame
// it is and hands it to every SnapshotSaver.
func (p *Pipeline) saveSnapshots(f *frame, dets []detect.Detection, snaps []events.Snap) error {
	if len(snaps) == 0 || len(p.opts.Snapshots) == 0 {
		return nil
	}
	jpg, err := p.snap.encode(f.img, dets)
	if err != nil {
		return fmt.Errorf("frame %d: snapshot: %w", f.seq, err)
	}
	for _, s := range snaps {
		for _, k := range p.opts.Snapshots {
			k.SaveSnapshot(s.EventID, jpg)
		}
	}
	return nil
}
