package quant

import (
	"fmt"
	"math"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// RuleBest picks, per activation, the rule with the least quantization
// error on what calibration observed.
const RuleBest Rule = "best"

// Image is one normalised 3 x H x W input (what net/preprocess produces).
type Image struct {
	H, W int
	Data []float32
}

// LayerReport is one activation's calibration outcome.
type LayerReport struct {
	Key    string
	Rule   Rule    // the rule kept
	SQNR   float64 // dB, quantize-dequantize of the observed sample with the kept parameters
	Params QParams
}

// Calibrator runs calibration images through the float model and collects
// per-activation observers.
type Calibrator struct {
	cfg    net.Config
	ref    *refNet
	obs    map[string]*Observer
	order  []string // keys in the order the forward pass first wrote them
	engine *kernels.Engine
	images int
}

// NewCalibrator prepares the float reference of a model (v1 heads only).
func NewCalibrator(cfg net.Config, weights map[string]net.Param, threads int) (*Calibrator, error) {
	a, err := newArch(&cfg)
	if err != nil {
		return nil, err
	}
	e := kernels.NewEngine(kernels.Active(), max(threads, 1))
	r, err := newRefNet(&cfg, a, weights, e)
	if err != nil {
		e.Close()
		return nil, err
	}
	return &Calibrator{cfg: cfg, ref: r, obs: map[string]*Observer{}, engine: e}, nil
}

// Add observes one image.
func (c *Calibrator) Add(img Image) error {
	if img.H <= 0 || img.W <= 0 || len(img.Data) != 3*img.H*img.W {
		return fmt.Errorf("quant: calibration image of %d values is not 3 x %d x %d", len(img.Data), img.H, img.W)
	}
	c.ref.forward(fmap{c: 3, h: img.H, w: img.W, data: img.Data}, func(k string, v []float32) {
		o := c.obs[k]
		if o == nil {
			o = NewObserver()
			c.obs[k] = o
			c.order = append(c.order, k)
		}
		o.Observe(v)
	})
	c.images++
	return nil
}

// Quantize chooses every activation's parameters by rule (RuleBest: the
// least error of minmax, percentile and mse per activation) and builds the
// int8 model; the report lists the activations in data order. The model
// shares the calibrator's engine: Close the model, not the calibrator,
// afterwards.
func (c *Calibrator) Quantize(rule Rule) (*Model, []LayerReport, error) {
	if len(c.obs) == 0 {
		return nil, nil, fmt.Errorf("quant: no calibration images")
	}
	rules := []Rule{rule}
	if rule == RuleBest {
		rules = []Rule{RuleMinMax, RulePercentile, RuleMSE}
	}
	params := map[string]QParams{}
	var report []LayerReport
	for _, k := range c.order {
		o := c.obs[k]
		best := LayerReport{Key: k, SQNR: math.Inf(-1)}
		for _, r := range rules {
			p, err := o.Params(r)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", k, err)
			}
			q := make([]float32, len(o.sample))
			for i, v := range o.sample {
				q[i] = p.Dequantize(p.Quantize(v))
			}
			if db := SQNR(o.sample, q); db > best.SQNR {
				best.Rule, best.SQNR, best.Params = r, db, p
			}
		}
		params[k] = best.Params
		report = append(report, best)
	}
	m, err := assemble(c.cfg, c.ref.arch, &calibrated{ref: c.ref, act: params}, c.engine)
	if err != nil {
		return nil, nil, err
	}
	m.calibration = calibrationJSON(rule, c.images, report)
	return m, report, nil
}

// Images is the number of calibration images observed.
func (c *Calibrator) Images() int { return c.images }

// Close releases the calibrator's engine when no model was built from it.
func (c *Calibrator) Close() { c.engine.Close() }

// calibrated is the source of a model quantized from calibration: the
// folded float layers and the chosen activation parameters.
type calibrated struct {
	ref *refNet
	act map[string]QParams
}

func (c *calibrated) get(key string) (QParams, error) {
	p, ok := c.act[key]
	if !ok {
		return QParams{}, fmt.Errorf("quant: no activation parameters for %s", key)
	}
	return p, nil
}

func (c *calibrated) input() (QParams, error) { return c.get(keyInput) }

func (c *calibrated) conv(s net.ArchConv, in QParams, out string) (*Conv, error) {
	po := in // a head's output conv keeps its accumulators: its output scale is unused
	if out != "" {
		var err error
		if po, err = c.get(out); err != nil {
			return nil, err
		}
	}
	l := c.ref.layers[s.Name]
	q, err := QuantizeConv(l.shape, s.OutC, l.w, l.b, in, po, s.ReLU && s.GN == "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	q.Name = s.Name
	return q, nil
}

func (c *calibrated) addOutput(_, out string) (QParams, error) { return c.get(out) }

func (c *calibrated) groupNorm(s net.ArchConv) ([]float32, []float32, error) {
	l := c.ref.layers[s.Name]
	return l.gamma, l.beta, nil
}
