package quant

import (
	"fmt"
	"math"
	"sort"

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
	engine *kernels.Engine
}

// NewCalibrator prepares the float reference of a model (v1 heads only).
func NewCalibrator(cfg net.Config, weights map[string]net.Param, threads int) (*Calibrator, error) {
	a, err := newArch(&cfg)
	if err != nil {
		return nil, err
	}
	e := kernels.NewEngine(kernels.Active(), max(threads, 1))
	r, err := newRefNet(a, weights, e)
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
		}
		o.Observe(v)
	})
	return nil
}

// Quantize chooses every activation's parameters by rule (RuleBest: the
// least error of minmax, percentile and mse per activation) and builds the
// int8 model, which shares the calibrator's engine: Close the model, not
// the calibrator, afterwards.
func (c *Calibrator) Quantize(rule Rule) (*Model, []LayerReport, error) {
	if len(c.obs) == 0 {
		return nil, nil, fmt.Errorf("quant: no calibration images")
	}
	rules := []Rule{rule}
	if rule == RuleBest {
		rules = []Rule{RuleMinMax, RulePercentile, RuleMSE}
	}
	keys := make([]string, 0, len(c.obs))
	for k := range c.obs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	params := map[string]QParams{}
	var report []LayerReport
	for _, k := range keys {
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
	m, err := build(c.cfg, c.ref, params, c.engine)
	return m, report, err
}

// Close releases the engine of a model.
func (m *Model) Close() { m.engine.Close() }
