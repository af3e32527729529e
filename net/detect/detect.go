// Package detect runs a whole detection: decode-independent preprocessing,
// the RetinaNet forward pass and the postprocess, with boxes mapped back to
// the original image. It is what `retina detect`, `retina stream` and
// `retina eval` share.
package detect

import (
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
	// Track is the id a tracker gave the object across frames (retina
	// stream); 0, and left out of JSON, where nothing tracks it.
	Track int `json:"track,omitempty"`
}

// Network is the model a Detector runs: the float net.Model (through New)
// or the int8 quant.Model, which implements it. Heads runs one normalised
// 3 x h x w image and returns, per level P3..P7, the class logits and box
// deltas as float; the slices stay valid until the next call, and calls on
// a size already seen should allocate nothing.
type Network interface {
	Config() net.Config
	Heads(h, w int, input []float32) ([]boxes.Level, error)
}

// floatNetwork adapts a net.Model to Network.
type floatNetwork struct {
	m      *net.Model
	levels []boxes.Level
}

func (f *floatNetwork) Config() net.Config { return f.m.Config() }

func (f *floatNetwork) Heads(h, w int, input []float32) ([]boxes.Level, error) {
	heads, err := f.m.Forward(1, h, w, input)
	if err != nil {
		return nil, err
	}
	f.levels = f.levels[:0]
	for _, o := range heads {
		f.levels = append(f.levels, boxes.Level{
			Logits: o.ClassLogits.Image(0), Deltas: o.BoxDeltas.Image(0),
			H: o.ClassLogits.H(), W: o.ClassLogits.W(),
		})
	}
	return f.levels, nil
}

// Detector owns a model and every buffer a detection needs, so that
// detections on same-sized images allocate nothing after the first. It is
// not safe for concurrent use.
type Detector struct {
	model            *net.Model // nil for a network that is not a float model
	network          Network
	cfg              net.Config
	pre              *preprocess.Preprocessor
	post             *boxes.Postprocessor
	minSize, maxSize int
	input            []float32
	out              []Detection
	labels           []string // one per class, so that Detect allocates no strings
}

// New wraps model; the detector does not take ownership (close the model yourself).
func New(model *net.Model, opts Options) (*Detector, error) {
	d, err := NewNetwork(&floatNetwork{m: model}, opts)
	if err != nil {
		return nil, err
	}
	d.model = model
	return d, nil
}

// NewNetwork wraps any Network (an int8 model); the detector does not take
// ownership.
func NewNetwork(network Network, opts Options) (*Detector, error) {
	cfg := network.Config()
	st, err := NewStages(cfg, opts)
	if err != nil {
		return nil, err
	}
	return &Detector{
		network: network, cfg: cfg, post: st.Post, minSize: st.MinSize, maxSize: st.MaxSize, labels: st.Labels, pre: st.Pre,
	}, nil
}

// Model returns the detector's float model, or nil when it runs another
// Network.
func (d *Detector) Model() *net.Model { return d.model }

// Network returns what the detector runs.
func (d *Detector) Network() Network { return d.network }

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
	levels, err := d.network.Heads(geo.PaddedH, geo.PaddedW, input)
	if err != nil {
		return nil, err
	}
	dets, err := d.post.Run(levels, geo.ResizedW, geo.ResizedH, geo.PaddedW, geo.PaddedH, kernels.Sigmoid)
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
