package stream

import (
	"context"
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/net/preprocess"
)

// capture reads frames and preprocesses them into input buffers. It takes
// the input buffer before reading, so that (with DropStale) the frame it
// gets is the newest one at the moment the pipeline can take it.
func (p *Pipeline) capture(ctx context.Context, b *buffers, out chan<- *frame) error {
	defer close(out)
	var jpegs preprocess.JPEGFrames // this stage's only: its buffers outlive each frame
	for {
		var f *frame
		select {
		case f = <-b.frames:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case f.in = <-b.inputs:
		case <-ctx.Done():
			b.release(f)
			return ctx.Err()
		}
		cf, err := p.src.Read(ctx)
		if err != nil {
			b.release(f)
			return err
		}
		f.read = true
		b.read.Add(1)
		start := time.Now()
		f.seq, f.time = cf.Seq, cf.Time
		f.img, err = p.decode(&jpegs, f, cf)
		cf.Release()
		if err == nil {
			err = p.preprocess(f)
		}
		p.timers[0].add(start)
		if err != nil {
			b.release(f)
			return err
		}
		out <- f
	}
}

// decode decodes JPEG frames with the same decoder as `retina detect`
// (net/jpegdec, PIL-exact pixels) so both see identical pictures; raw
// frames are converted. Either way the picture goes into the slot's own
// image, which no other stage touches until the slot comes back to the
// pool, so a steady stream decodes without allocating.
func (p *Pipeline) decode(jpegs *preprocess.JPEGFrames, f *frame, cf *camera.Frame) (image.Image, error) {
	if cf.Format == camera.MJPEG {
		img, err := jpegs.DecodeInto("frame", f.rgba, cf.Data, maxFramePixels)
		if err != nil {
			if inner := errors.Unwrap(err); inner != nil {
				err = inner // the name is given here, with the number
			}
			return nil, fmt.Errorf("%s: frame %d: %w", p.src.Describe(), cf.Seq, err)
		}
		f.rgba = img
		return img, nil
	}
	if f.rgba == nil || f.rgba.Rect.Dx() != cf.Width || f.rgba.Rect.Dy() != cf.Height {
		if cf.Width <= 0 || cf.Height <= 0 || cf.Width*cf.Height > maxFramePixels {
			return nil, fmt.Errorf("%s: frame %d: bad size %dx%d", p.src.Describe(), cf.Seq, cf.Width, cf.Height)
		}
		f.rgba = image.NewRGBA(image.Rect(0, 0, cf.Width, cf.Height))
	}
	if err := camera.ConvertToRGBA(f.rgba, cf, camera.FullRange); err != nil {
		return nil, fmt.Errorf("%s: frame %d: %w", p.src.Describe(), cf.Seq, err)
	}
	return f.rgba, nil
}

// preprocess resizes and normalises the picture into the frame's input
// buffer exactly as net/detect does.
func (p *Pipeline) preprocess(f *frame) error {
	b := f.img.Bounds()
	g, err := p.pre.GeometryFor(b.Dx(), b.Dy())
	if err != nil {
		return fmt.Errorf("frame %d: %w", f.seq, err)
	}
	if n := g.TensorLen(); cap(*f.in) < n {
		*f.in = make([]float32, n)
	} else {
		*f.in = (*f.in)[:n]
	}
	if f.geo, err = p.pre.Run(f.img, *f.in); err != nil {
		return fmt.Errorf("frame %d: %w", f.seq, err)
	}
	return nil
}
