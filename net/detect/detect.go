// Package detect runs a whole detection: decode-independent preprocessing,
// the RetinaNet forward pass and the postprocess, with boxes mapped back to
// the original image. It is what `retina detect`, `retina stream` and
// `retina eval` share.
package detect

import (
	"fmt"
	"image"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/preprocess"
)

// Options tune a Detector; zero sizes mean the model's own.
type Options struct {
	boxes.PostprocessOptions
	MinSize, MaxSize int
}

// DefaultOptions are torchvision's RetinaNet defaults.
func DefaultOptions() Options {
	return Options{PostprocessOptions: boxes.DefaultPostprocessOptions()}
}

// Detection is one detected object in original image pixels.
type Detection struct {
	Class int        `json:"class"` // the logit index
	Label string     `json:"label"`
	Score float32    `json:"score"`
	Box   [4]float32 `json:"box"` // x1, y1, x2, y2
}

// Detector owns a model and every buffer a detection needs, so that
// detections on same-sized images allocate nothing after the first. It is
// not safe for concurrent use.
type Detector struct {
	model            *net.Model
	cfg              net.Config
	pre              *preprocess.Preprocessor
	post             *boxes.Postprocessor
	minSize, maxSize int
	input            []float32
	levels           []boxes.Level
	out              []Detection
	labels           []string // one per class, so that Detect allocates no strings
}

// New wraps model; the detector does not take ownership (close the model yourself).
func New(model *net.Model, opts Options) (*Detector, error) {
	cfg := model.Config()
	minSize, maxSize := cfg.MinSize, cfg.MaxSize
	if opts.MinSize > 0 {
		minSize = opts.MinSize
	}
	if opts.MaxSize > 0 {
		maxSize = opts.MaxSize
	}
	post, err := boxes.NewPostprocessor(cfg.NumClasses, cfg.AnchorSizes, cfg.AspectRatios, opts.PostprocessOptions)
	if err != nil {
		return nil, err
	}
	labels := make([]string, cfg.NumClasses)
	for c := range labels {
		if c < len(cfg.Labels) && cfg.Labels[c] != "" {
			labels[c] = cfg.Labels[c]
		} else {
			labels[c] = fmt.Sprintf("class %d", c)
		}
	}
	return &Detector{
		model: model, cfg: cfg, post: post, minSize: minSize, maxSize: maxSize, labels: labels,
		pre: preprocess.NewPreprocessor(minSize, maxSize, cfg.ImageMean, cfg.ImageStd),
	}, nil
}

// Model returns the detector's model.
func (d *Detector) Model() *net.Model { return d.model }

// Detect finds objects in img. The returned slice is reused by the next call.
func (d *Detector) Detect(img image.Image) ([]Detection, error) {
	b := img.Bounds()
	rw, rh := preprocess.ResizedSize(b.Dx(), b.Dy(), d.minSize, d.maxSize)
	pw, ph := preprocess.PaddedSize(rw, rh)
	if need := 3 * pw * ph; cap(d.input) < need {
		d.input = make([]float32, need)
	}
	input := d.input[:3*pw*ph]
	geo, err := d.pre.Run(img, input)
	if err != nil {
		return nil, err
	}
	heads, err := d.model.Forward(1, geo.PaddedH, geo.PaddedW, input)
	if err != nil {
		return nil, err
	}
	d.levels = d.levels[:0]
	for _, h := range heads {
		d.levels = append(d.levels, boxes.Level{
			Logits: h.ClassLogits.Image(0), Deltas: h.BoxDeltas.Image(0),
			H: h.ClassLogits.H(), W: h.ClassLogits.W(),
		})
	}
	dets, err := d.post.Run(d.levels, geo.ResizedW, geo.ResizedH, geo.PaddedW, geo.PaddedH, kernels.Sigmoid)
	if err != nil {
		return nil, err
	}
	d.out = d.out[:0]
	for _, det := range dets {
		d.out = append(d.out, Detection{
			Class: det.Class, Label: d.labels[det.Class], Score: det.Score,
			Box: geo.ScaleBoxBack([4]float32(det.Box)),
		})
	}
	return d.out, nil
}
