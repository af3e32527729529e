package quant

import (
	"fmt"
	"math"
	"sort"
)

// Rule chooses an activation range from what calibration observed.
type Rule string

const (
	RuleMinMax     Rule = "minmax"     // the exact observed range
	RulePercentile Rule = "percentile" // the 0.01% and 99.99% quantiles: ignores rare outliers
	RuleMSE        Rule = "mse"        // the clipped range with the least quantization error
)

// ParseRule accepts the rule names of `retina quantize --rule`.
func ParseRule(s string) (Rule, error) {
	switch r := Rule(s); r {
	case RuleMinMax, RulePercentile, RuleMSE, RuleBest:
		return r, nil
	}
	return "", fmt.Errorf("quant: unknown rule %q (want minmax, percentile, mse or best)", s)
}

// observerSample bounds the memory per tensor: a uniform reservoir of this
// many values stands in for the whole calibration set.
const observerSample = 1 << 15

// Observer collects one activation tensor's exact min/max and a uniform
// reservoir sample of its values over the calibration set.
type Observer struct {
	Min, Max float64
	seen     int64
	sample   []float32
	rng      uint64
	sorted   bool
}

// NewObserver starts with an empty range.
func NewObserver() *Observer {
	return &Observer{Min: math.Inf(1), Max: math.Inf(-1), rng: 0x9E3779B97F4A7C15}
}

func (o *Observer) next() uint64 { // xorshift64*: deterministic, so calibration is reproducible
	o.rng ^= o.rng >> 12
	o.rng ^= o.rng << 25
	o.rng ^= o.rng >> 27
	return o.rng * 2685821657736338717
}

// Observe adds values (reservoir sampling, Algorithm R).
func (o *Observer) Observe(x []float32) {
	o.sorted = false
	for _, v := range x {
		f := float64(v)
		if f < o.Min {
			o.Min = f
		}
		if f > o.Max {
			o.Max = f
		}
		o.seen++
		if len(o.sample) < observerSample {
			o.sample = append(o.sample, v)
		} else if j := o.next() % uint64(o.seen); j < observerSample {
			o.sample[j] = v
		}
	}
}

// Params gives the int8 activation parameters the rule chooses.
func (o *Observer) Params(rule Rule) (QParams, error) {
	if o.seen == 0 {
		return QParams{}, fmt.Errorf("quant: no values observed")
	}
	if !o.sorted {
		sort.Slice(o.sample, func(i, j int) bool { return o.sample[i] < o.sample[j] })
		o.sorted = true
	}
	switch rule {
	case RuleMinMax:
		return ActivationParams(o.Min, o.Max)
	case RulePercentile:
		return ActivationParams(o.quantile(0.0001), o.quantile(0.9999))
	case RuleMSE:
		return o.bestMSE()
	}
	return QParams{}, fmt.Errorf("quant: unknown rule %q", rule)
}

func (o *Observer) quantile(p float64) float64 {
	i := int(math.Round(p * float64(len(o.sample)-1)))
	return float64(o.sample[i])
}

// mseSample bounds the values bestMSE scores each candidate range on.
const mseSample = 1 << 13

// bestMSE shrinks the observed range in 1% steps (down to 20%) and keeps the
// one whose quantize-dequantize error on the sample is least. The sample is
// sorted, so every k-th value is a smaller sample of the same quantiles.
func (o *Observer) bestMSE() (QParams, error) {
	sample := o.sample
	if k := len(sample) / mseSample; k > 1 {
		sub := make([]float32, 0, len(sample)/k+1)
		for i := 0; i < len(sample); i += k {
			sub = append(sub, sample[i])
		}
		sample = sub
	}
	best, bestErr := QParams{}, math.Inf(1)
	for step := 100; step >= 20; step-- {
		f := float64(step) / 100
		p, err := ActivationParams(o.Min*f, o.Max*f)
		if err != nil {
			return QParams{}, err
		}
		if e := QuantError(sample, p); e < bestErr {
			best, bestErr = p, e
		}
	}
	return best, nil
}

// QuantError is the mean squared error of quantizing x with p.
func QuantError(x []float32, p QParams) float64 {
	var sum float64
	for _, v := range x {
		d := float64(v) - float64(p.Dequantize(p.Quantize(v)))
		sum += d * d
	}
	return sum / float64(max(len(x), 1))
}

// SQNR is 10 log10(signal power / noise power) of approx against ref, in dB
// (+Inf when they are equal).
func SQNR(ref, approx []float32) float64 {
	var sig, noise float64
	for i, v := range ref {
		d := float64(v) - float64(approx[i])
		sig += float64(v) * float64(v)
		noise += d * d
	}
	if noise == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(sig/noise)
}
