package stream

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/preprocess"
)

// maxFramePixels refuses a JPEG frame whose header claims more pixels than a
// small machine should decode.
const maxFramePixels = 64 << 20

// Options configure a Pipeline.
type Options struct {
	// DropStale puts a latest-frame policy at the capture end: a frame that a
	// newer one supersedes before the pipeline takes it is dropped and
	// counted. Live sources want it; files processed frame by frame do not.
	DropStale bool
	// OnFrame, if set, sees every processed frame's picture with its result
	// on the detection goroutine; it must not block or keep img or r.
	OnFrame func(r *Result, img image.Image)
}

// Detector is what the detection stage runs: *detect.Detector, or a wrapper.
// Its result slice may be reused by the next call.
type Detector interface {
	Detect(img image.Image) ([]detect.Detection, error)
}

// slot is one decoded frame travelling from the decode stage to the
// detection stage; slots are recycled through a free list.
type slot struct {
	seq  uint64
	time time.Time
	rgba *image.RGBA // reused for raw (YUYV, NV12, ...) frames
	img  image.Image // the picture: rgba, or a freshly decoded JPEG
	err  error
}

// slots in flight: one being decoded while one is detected.
const nslots = 2

// Pipeline runs capture -> decode -> detect -> sinks on goroutines, so that
// decoding frame n+1 overlaps the network's work on frame n.
type Pipeline struct {
	src   camera.Source
	det   Detector
	sinks []Sink
	opts  Options

	latest *camera.Latest
	st     stats
	drops  atomic.Uint64
	res    Result
}

// New builds a pipeline over src; det must not be used elsewhere while it runs.
func New(src camera.Source, det Detector, sinks []Sink, opts Options) *Pipeline {
	p := &Pipeline{src: src, det: det, sinks: sinks, opts: opts}
	if opts.DropStale {
		p.latest = camera.NewLatest(src)
		p.src = p.latest
	}
	return p
}

// Stats returns the current figures; it is safe to call while Run runs.
func (p *Pipeline) Stats() Stats {
	d := p.drops.Load()
	if p.latest != nil {
		d += p.latest.Dropped()
	}
	return p.st.snapshot(d)
}

// Run processes frames until the source ends (nil), ctx is cancelled (nil)
// or a stage fails (the error). It does not close the source or the sinks.
func (p *Pipeline) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	free := make(chan *slot, nslots)
	full := make(chan *slot, nslots-1)
	for range nslots {
		free <- &slot{}
	}
	var wg sync.WaitGroup
	var decodeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(full)
		decodeErr = p.decodeLoop(ctx, free, full)
	}()
	var err error
	for s := range full {
		if err == nil && s.err != nil {
			err = s.err
			cancel()
		}
		if err == nil && ctx.Err() == nil { // once stopped, publish nothing more
			if err = p.detectOne(s); err != nil {
				cancel()
			}
		}
		s.img = nil
		free <- s
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if decodeErr != nil && !errors.Is(decodeErr, io.EOF) && !errors.Is(decodeErr, context.Canceled) {
		return decodeErr
	}
	return nil
}

// decodeLoop reads frames and turns them into pictures in free slots.
func (p *Pipeline) decodeLoop(ctx context.Context, free <-chan *slot, full chan<- *slot) error {
	for {
		var s *slot
		select {
		case s = <-free:
		case <-ctx.Done():
			return ctx.Err()
		}
		f, err := p.src.Read(ctx)
		if err != nil {
			return err
		}
		s.seq, s.time = f.Seq, f.Time
		s.img, s.err = p.decode(s, f)
		f.Release()
		select {
		case full <- s:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// decode decodes JPEG frames with the same decoder as `retina detect`
// (net/jpegdec, PIL-exact pixels) so both see identical pictures.
func (p *Pipeline) decode(s *slot, f *camera.Frame) (image.Image, error) {
	if f.Format == camera.MJPEG {
		img, err := preprocess.DecodeBytes(fmt.Sprintf("frame %d", f.Seq), f.Data, maxFramePixels)
		if err != nil {
			return nil, fmt.Errorf("frame %d: %w", f.Seq, err)
		}
		return img, nil
	}
	if s.rgba == nil || s.rgba.Rect.Dx() != f.Width || s.rgba.Rect.Dy() != f.Height {
		if f.Width <= 0 || f.Height <= 0 || f.Width*f.Height > maxFramePixels {
			return nil, fmt.Errorf("frame %d: bad size %dx%d", f.Seq, f.Width, f.Height)
		}
		s.rgba = image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	}
	if err := camera.ConvertToRGBA(s.rgba, f, camera.FullRange); err != nil {
		return nil, fmt.Errorf("frame %d: %w", f.Seq, err)
	}
	return s.rgba, nil
}

func (p *Pipeline) detectOne(s *slot) error {
	dets, err := p.det.Detect(s.img)
	if err != nil {
		return fmt.Errorf("frame %d: %w", s.seq, err)
	}
	b := s.img.Bounds()
	p.res = Result{Frame: s.seq, Time: s.time, Width: b.Dx(), Height: b.Dy(), Detections: dets}
	p.st.record(s.time, time.Now())
	if p.opts.OnFrame != nil {
		p.opts.OnFrame(&p.res, s.img)
	}
	for _, k := range p.sinks {
		if err := k.Publish(&p.res); err != nil {
			return err
		}
	}
	return nil
}
