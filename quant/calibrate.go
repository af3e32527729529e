package quant

import (
	"fmt"
	"math"
	"slices"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// RuleBest builds the int8 model four ways (per activation the rule with
// the least error on the observed sample; minmax, percentile and mse
// everywhere) and keeps the one whose head outputs are closest to the float
// model's on the first calibration images. The per-activation choice alone
// favours clipping: a sample rarely holds the few large values, which
// carry signal (large objects' boxes) that a clipped range loses.
const RuleBest Rule = "best"

// checkImages is how many calibration images RuleBest keeps to compare
// whole models.
const checkImages = 4

// Candidate is one model RuleBest weighed: its activation rules and the
// SQNR of its class logits and box deltas against the float model's.
type Candidate struct {
	Name           string // "per-activation", or the rule used everywhere
	ClassDB, BoxDB float64
	Kept           bool
}

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

// Calibrator runs calibration images through the float model (net.Model,
// whose observer reports every activation) and collects per-activation
// observers.
type Calibrator struct {
	cfg    net.Config
	arch   *net.Arch
	float  *net.Model             // on engine: the int8 models' engine too
	layers map[string]*floatLayer // every conv, batch norm folded, to quantize
	obs    map[string]*Observer
	order  []string // keys in the order the forward pass first wrote them
	engine *kernels.Engine
	images int
	checks []Image // copies of the first checkImages images

	// Candidates lists what the last Quantize(RuleBest) compared.
	Candidates []Candidate
}

// NewCalibrator prepares the float model of weights for calibration.
func NewCalibrator(cfg net.Config, weights map[string]net.Param, threads int) (*Calibrator, error) {
	a, err := newArch(&cfg)
	if err != nil {
		return nil, err
	}
	c := &Calibrator{cfg: cfg, arch: a, layers: map[string]*floatLayer{}, obs: map[string]*Observer{}}
	for _, s := range a.Convs() {
		if c.layers[s.Name], err = foldLayer(s, weights); err != nil {
			return nil, err
		}
	}
	c.engine = kernels.NewEngine(kernels.Active(), max(threads, 1))
	if c.float, err = net.NewModelWith(cfg, weights, net.Options{Engine: c.engine}); err != nil {
		c.engine.Close()
		return nil, err
	}
	return c, nil
}

// observe adds one activation's values to its observer.
func (c *Calibrator) observe(name string, v []float32) {
	o := c.obs[name]
	if o == nil {
		o = NewObserver()
		c.obs[name] = o
		c.order = append(c.order, name)
	}
	o.Observe(v)
}

// Add observes one image.
func (c *Calibrator) Add(img Image) error {
	if img.H <= 0 || img.W <= 0 || len(img.Data) != 3*img.H*img.W {
		return fmt.Errorf("quant: calibration image of %d values is not 3 x %d x %d", len(img.Data), img.H, img.W)
	}
	c.float.SetObserver(c.observe)
	_, err := c.float.Forward(1, img.H, img.W, img.Data)
	c.float.SetObserver(nil)
	if err != nil {
		return fmt.Errorf("quant: calibration image: %w", err)
	}
	if len(c.checks) < checkImages {
		c.checks = append(c.checks, Image{H: img.H, W: img.W, Data: slices.Clone(img.Data)})
	}
	c.images++
	return nil
}

// Quantize chooses every activation's parameters by rule (RuleBest: see
// there) and builds the int8 model; the report lists the activations in
// data order. The model shares the calibrator's engine: Close the model,
// not the calibrator, afterwards.
func (c *Calibrator) Quantize(rule Rule) (*Model, []LayerReport, error) {
	if len(c.obs) == 0 {
		return nil, nil, fmt.Errorf("quant: no calibration images")
	}
	if rule != RuleBest {
		return c.build(rule, []Rule{rule})
	}
	c.Candidates = nil
	var (
		best       *Model
		bestReport []LayerReport
		bestDB     = math.Inf(-1)
		kept       int
	)
	for _, cand := range []struct {
		name  string
		rules []Rule
	}{
		{"per-activation", []Rule{RuleMinMax, RulePercentile, RuleMSE}},
		{string(RuleMinMax), []Rule{RuleMinMax}},
		{string(RulePercentile), []Rule{RulePercentile}},
		{string(RuleMSE), []Rule{RuleMSE}},
	} {
		m, report, err := c.build(rule, cand.rules)
		if err != nil {
			return nil, nil, err
		}
		cls, box, err := c.outputSQNR(m)
		if err != nil {
			return nil, nil, err
		}
		c.Candidates = append(c.Candidates, Candidate{Name: cand.name, ClassDB: cls, BoxDB: box})
		// The weaker of the two outputs decides: a detection needs both.
		if db := min(cls, box); db > bestDB {
			best, bestReport, bestDB, kept = m, report, db, len(c.Candidates)-1
		}
		// The others share the engine and are left to the collector.
	}
	c.Candidates[kept].Kept = true
	return best, bestReport, nil
}

// build quantizes with, per activation, the least-error rule of rules.
func (c *Calibrator) build(rule Rule, rules []Rule) (*Model, []LayerReport, error) {
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
	m, err := assemble(c.cfg, c.arch, &calibrated{layers: c.layers, act: params}, c.engine)
	if err != nil {
		return nil, nil, err
	}
	m.calibration = calibrationJSON(rule, c.images, report)
	return m, report, nil
}

// foregroundLogit is the float logit (score 0.05, torchvision's threshold)
// above which an (anchor, class) counts for outputSQNR.
const foregroundLogit = -2.944

// outputSQNR compares m's class logits and box deltas with the float
// model's over the kept calibration images, on what detection uses: the
// (anchor, class) logits the float model scores above 0.05 and the deltas
// of those anchors (all of them when nothing scores that high, as in a
// random-weight model). Signal and noise are summed over images and levels.
func (c *Calibrator) outputSQNR(m *Model) (cls, box float64, err error) {
	k := c.cfg.NumClasses
	for _, all := range []bool{false, true} {
		var sig, noise [2]float64
		add := func(i int, ref, got float32) {
			d := float64(ref) - float64(got)
			sig[i] += float64(ref) * float64(ref)
			noise[i] += d * d
		}
		for _, img := range c.checks {
			float, err := c.float.Forward(1, img.H, img.W, img.Data)
			if err != nil {
				return 0, 0, err
			}
			levels, err := m.Heads(img.H, img.W, img.Data)
			if err != nil {
				return 0, 0, err
			}
			for lv, l := range levels {
				fc, fb := float[lv].ClassLogits, float[lv].BoxDeltas.Data
				hw := fc.H() * fc.W()
				for a := range len(fc.Data) / (k * hw) {
					for pos := range hw {
						fg := all
						for j := range k {
							if i := (a*k+j)*hw + pos; all || fc.Data[i] > foregroundLogit {
								add(0, fc.Data[i], l.Logits[i])
								fg = true
							}
						}
						if fg {
							for j := range 4 {
								i := (a*4+j)*hw + pos
								add(1, fb[i], l.Deltas[i])
							}
						}
					}
				}
			}
		}
		if sig[0] == 0 && !all {
			continue // no foreground: compare everything
		}
		db := func(i int) float64 {
			if noise[i] == 0 {
				return math.Inf(1)
			}
			return 10 * math.Log10(sig[i]/noise[i])
		}
		return db(0), db(1), nil
	}
	return 0, 0, nil
}

// Images is the number of calibration images observed.
func (c *Calibrator) Images() int { return c.images }

// Close releases the calibrator's engine when no model was built from it.
func (c *Calibrator) Close() { c.engine.Close() }

// calibrated is the source of a model quantized from calibration: the
// folded float layers and the chosen activation parameters.
type calibrated struct {
	layers map[string]*floatLayer
	act    map[string]QParams
}

func (c *calibrated) get(key string) (QParams, error) {
	p, ok := c.act[key]
	if !ok {
		return QParams{}, fmt.Errorf("quant: no activation parameters for %s", key)
	}
	return p, nil
}

func (c *calibrated) input() (QParams, error) { return c.get(net.InputActivation) }

// outParams are the calibrated parameters of activation out, or in for a
// head's output conv (out ""), which keeps its accumulators: its output
// scale is unused.
func (c *calibrated) outParams(in QParams, out string) (QParams, error) {
	if out == "" {
		return in, nil
	}
	return c.get(out)
}

func (c *calibrated) conv(s net.ArchConv, in QParams, out string) (*Conv, error) {
	po, err := c.outParams(in, out)
	if err != nil {
		return nil, err
	}
	l := c.layers[s.Name]
	q, err := QuantizeConv(l.shape, s.OutC, l.w, l.b, in, po, s.ReLU && s.GN == "")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Name, err)
	}
	q.Name = s.Name
	return q, nil
}

func (c *calibrated) headConv(s net.ArchConv, in [net.NumLevels]QParams, out [net.NumLevels]string) (levelConv, error) {
	var po [net.NumLevels]QParams
	for l, k := range out {
		var err error
		if po[l], err = c.outParams(in[l], k); err != nil {
			return levelConv{}, err
		}
	}
	l := c.layers[s.Name]
	q, err := quantizeLevelConv(l.shape, s.OutC, l.w, l.b, in, po, s.ReLU && s.GN == "")
	if err != nil {
		return q, fmt.Errorf("%s: %w", s.Name, err)
	}
	q.setName(s.Name)
	return q, nil
}

func (c *calibrated) addOutput(_, out string) (QParams, error) { return c.get(out) }

func (c *calibrated) groupNorm(s net.ArchConv) ([]float32, []float32, error) {
	l := c.layers[s.Name]
	return l.gamma, l.beta, nil
}
