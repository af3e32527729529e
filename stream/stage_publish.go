package stream

import (
	"context"
	"fmt"
	"time"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/net/detect"
)

// healthPoll is how often the publishing stage looks at a live source's
// health while it runs an events engine.
const healthPoll = 250 * time.Millisecond

// publishAll is the last stage, on Run's goroutine: the postprocess of a
// split model's head outputs, the statistics, OnFrame and the sinks. With
// an events engine and a source that reports its health, it also ends every
// tracked object when the camera goes down (see Result.Frameless), once
// every frame it delivered before has been published: ending the tracks
// first would make the last frames' objects new sightings after their end.
func (p *Pipeline) publishAll(ctx context.Context, cancel context.CancelFunc, b *buffers, in <-chan *frame) {
	var poll <-chan time.Time
	if p.opts.Events != nil && p.health != nil {
		t := time.NewTicker(healthPoll)
		defer t.Stop()
		poll = t.C
	}
	tracking := false // objects may be tracked: frames came since the last end
	for {
		select {
		case f, ok := <-in:
			if !ok {
				return
			}
			if ctx.Err() == nil {
				if err := p.publish(b, f); err != nil {
					p.fail(err, cancel)
				}
				tracking = true
			}
			b.release(f)
		case <-poll:
			if !tracking || ctx.Err() != nil || p.health.Status().Up || b.read.Load() > 0 {
				continue
			}
			tracking = false
			if err := p.publishEnds(p.opts.Events.EndAll(p.res.Frame)); err != nil {
				p.fail(err, cancel)
			}
		}
	}
}

// publishEnds hands the sinks the end events of every object the engine
// tracked when the camera went down: a frameless result.
func (p *Pipeline) publishEnds(evs []events.Event) error {
	if len(evs) == 0 {
		return nil
	}
	p.counts.add(nil, evs)
	p.res = Result{Frame: p.res.Frame, Time: time.Now(), Width: p.res.Width, Height: p.res.Height, Events: evs, Frameless: true,
		Counts: p.opts.Events.Counts()}
	if p.opts.OnFrame != nil {
		p.opts.OnFrame(&p.res, nil)
	}
	for _, k := range p.sinks {
		if err := k.Publish(&p.res); err != nil {
			return err
		}
	}
	return nil
}

func (p *Pipeline) publish(b *buffers, f *frame) error {
	defer p.timers[len(p.timers)-1].add(time.Now())
	if f.hb != nil {
		b.levels = headLevels(b.levels, f.outs)
		if err := p.postprocess(f, b.levels); err != nil {
			return fmt.Errorf("frame %d: %w", f.seq, err)
		}
	}
	dets, evs, counts := f.dets, []events.Event(nil), []events.Count(nil)
	if e := p.opts.Events; e != nil {
		dets, evs = e.Process(f.seq, f.time, dets)
		counts = e.Counts()
		if err := p.saveSnapshots(f, dets, e.Snapshots()); err != nil {
			return err
		}
		if len(p.opts.Snapshots) == 0 {
			for i := range evs {
				evs[i].Snapshot = false // nothing keeps them
			}
		}
	}
	p.counts.add(dets, evs)
	bd := f.img.Bounds()
	p.res = Result{Frame: f.seq, Time: f.time, Width: bd.Dx(), Height: bd.Dy(), Detections: dets, Events: evs, Counts: counts}
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
