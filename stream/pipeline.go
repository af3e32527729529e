package stream

import (
	"context"
	"errors"
	"image"
	"io"
	"sync"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/preprocess"
)

// maxFramePixels refuses a JPEG frame whose header claims more pixels than a
// small machine should decode.
const maxFramePixels = 64 << 20

// Options configure a Pipeline.
type Options struct {
	// Detect are the detection options, as `retina detect` takes them
	// (zero sizes: the model's own).
	Detect detect.Options
	// HeadThreads > 0 gives a float model's heads stage that many threads
	// of its own, and lets it compute while the backbone+FPN stage works on
	// the next frame. With 0 the two network stages take turns, each on
	// all the model's threads: when those threads already fill the cores,
	// overlapping only makes the stages compete for cores and caches. The
	// lighter stages (decode, preprocess, postprocess) always overlap.
	HeadThreads int
	// DropStale puts a latest-frame policy at the capture end: a frame that a
	// newer one supersedes before the pipeline takes it is dropped and
	// counted. Live sources want it; files processed frame by frame do not.
	DropStale bool
	// OnFrame, if set, sees every processed frame's picture with its result
	// on the publishing goroutine; it must not block or keep img or r. For
	// a frameless result (Result.Frameless) img is nil.
	OnFrame func(r *Result, img image.Image)
	// Events, if set, tracks each frame's detections and makes events of
	// them on the publishing goroutine: Result.Detections are then the
	// detections it kept, with track ids, and Result.Events its events.
	// When a live source reports itself down, every object is ended (a
	// frameless result).
	Events EventEngine
	// Snapshots receive each event's best frame (boxes drawn, as JPEG)
	// when Events reports one.
	Snapshots []SnapshotSaver
}

// Pipeline runs a detector over a frame source as stages on goroutines,
// connected by bounded queues, so that consecutive frames overlap:
//
//	capture (camera.Latest, with DropStale) -> preprocess (decode, resize,
//	normalise) -> backbone+FPN -> heads -> postprocess and publish
//
// for a float model; any other network (the int8 model) runs as one
// network stage that also postprocesses. Each stage hands its output to the
// next in one of two buffers it owns (a double buffer), so steady state
// allocates nothing; frames leave in order.
type Pipeline struct {
	src    camera.Source
	health camera.StatusReporter // the source's, if it reports its health
	latest *camera.Latest
	sinks  []Sink
	opts   Options

	model   *net.Model     // split into backbone+FPN and heads stages
	network detect.Network // when model is nil: one network stage

	pre    *preprocess.Preprocessor
	post   *boxes.Postprocessor
	labels []string // one per class, so that no stage allocates strings

	netMu sync.Mutex // taken by the network stages when they take turns

	st     stats
	timers []*stageTimer // one per stage, capture first
	counts *labelCounts
	res    Result
	snap   snapshotter

	errMu sync.Mutex
	err   error
}

// New builds a pipeline running a float model as separate backbone+FPN and
// heads stages; model must not be used elsewhere while the pipeline runs.
func New(src camera.Source, model *net.Model, sinks []Sink, opts Options) (*Pipeline, error) {
	p, err := newPipeline(src, model.Config(), sinks, opts)
	if err != nil {
		return nil, err
	}
	p.model = model
	p.timers = newTimers("preprocess", "backbone+fpn", "heads", "postprocess")
	return p, nil
}

// NewNetwork builds a pipeline running any detect.Network (the int8 model)
// as one stage; network must not be used elsewhere while the pipeline runs.
func NewNetwork(src camera.Source, network detect.Network, sinks []Sink, opts Options) (*Pipeline, error) {
	p, err := newPipeline(src, network.Config(), sinks, opts)
	if err != nil {
		return nil, err
	}
	p.network = network
	p.timers = newTimers("preprocess", "network", "publish")
	return p, nil
}

func newPipeline(src camera.Source, cfg net.Config, sinks []Sink, opts Options) (*Pipeline, error) {
	st, err := detect.NewStages(cfg, opts.Detect)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{src: src, sinks: sinks, opts: opts, post: st.Post, labels: st.Labels, pre: st.Pre,
		counts: newLabelCounts(st.Labels)}
	p.health, _ = src.(camera.StatusReporter)
	if opts.DropStale {
		p.latest = camera.NewLatest(src)
		p.src = p.latest
	}
	return p, nil
}

// Stats returns the current figures; it is safe to call while Run runs.
func (p *Pipeline) Stats() Stats {
	var d uint64
	if p.latest != nil {
		d = p.latest.Dropped()
	}
	st := p.st.snapshot(d)
	for _, t := range p.timers {
		st.Stages = append(st.Stages, t.stat())
	}
	st.Labels = p.counts.snapshot()
	if p.health != nil {
		st.Live, st.Camera = true, p.health.Status()
	}
	return st
}

// fail records a stage's error (the first one wins) and stops the run.
func (p *Pipeline) fail(err error, cancel context.CancelFunc) {
	p.errMu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.errMu.Unlock()
	cancel()
}

// Run processes frames until the source ends (nil), ctx is cancelled (nil)
// or a stage fails (the error). A source error other than the end still
// lets the frames before it finish. Run does not close the source or the
// sinks.
func (p *Pipeline) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b := newBuffers(p.model != nil)
	var stages []stageFunc
	if p.model != nil {
		st := p.model.NewStages(p.opts.HeadThreads)
		defer st.Close()
		stages = []stageFunc{p.backboneStage(st, b, p.timers[1]), p.headsStage(st, b, p.timers[2])}
	} else {
		stages = []stageFunc{p.networkStage(b, p.timers[1])}
	}

	var wg sync.WaitGroup
	var srcErr error
	first := make(chan *frame, 1)
	wg.Go(func() { srcErr = p.capture(ctx, b, first) })
	in := first
	for _, s := range stages {
		from, out := in, make(chan *frame, 1)
		wg.Go(func() { p.runStage(ctx, cancel, b, from, out, s) })
		in = out
	}
	p.publishAll(ctx, cancel, b, in)
	wg.Wait()
	if p.err != nil {
		return p.err
	}
	if srcErr != nil && !errors.Is(srcErr, io.EOF) && !errors.Is(srcErr, context.Canceled) {
		return srcErr
	}
	return nil
}

// stageFunc does one stage's work on a frame, moving it from the previous
// stage's buffer to its own.
type stageFunc func(f *frame) error

// runStage applies work to each frame in order. Once the run is stopping,
// frames are only released, so that every buffer returns to its pool and
// no stage waits forever for one.
func (p *Pipeline) runStage(ctx context.Context, cancel context.CancelFunc, b *buffers, in <-chan *frame, out chan<- *frame, work stageFunc) {
	defer close(out)
	for f := range in {
		if ctx.Err() != nil {
			b.release(f)
			continue
		}
		if err := work(f); err != nil {
			p.fail(err, cancel)
			b.release(f)
			continue
		}
		out <- f
	}
}
