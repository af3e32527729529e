package quant

import (
	"fmt"
	"math"
)

// QParams maps int8 q to the real value Scale * (q - Zero).
type QParams struct {
	Scale float32
	Zero  int32
}

// ActivationParams is TFLite's ChooseQuantizationParams for int8: the range
// is widened to hold 0 exactly (so zero padding is exact), the scale spreads
// it over 255 steps and the zero point is rounded and clamped into int8.
func ActivationParams(min, max float64) (QParams, error) {
	if math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0) || min > max {
		return QParams{}, fmt.Errorf("quant: bad activation range [%g, %g]", min, max)
	}
	min = math.Min(min, 0)
	max = math.Max(max, 0)
	if max-min < 1e-8 {
		return QParams{Scale: 1, Zero: 0}, nil // an all-zero tensor: any scale is exact
	}
	const qmin, qmax = -128.0, 127.0
	scale := (max - min) / (qmax - qmin)
	zeroFromMin := qmin - min/scale
	zeroFromMax := qmax - max/scale
	errMin := math.Abs(qmin) + math.Abs(min/scale)
	errMax := math.Abs(qmax) + math.Abs(max/scale)
	zero := zeroFromMax
	if errMin < errMax {
		zero = zeroFromMin
	}
	z := math.Round(zero)
	z = math.Max(qmin, math.Min(qmax, z))
	return QParams{Scale: float32(scale), Zero: int32(z)}, nil
}

// check refuses parameters no op can use: a scale that is not a positive
// finite number, a zero point outside int8.
func (p QParams) check() error {
	if !(p.Scale > 0) || math.IsInf(float64(p.Scale), 0) {
		return fmt.Errorf("scale %g is not a positive finite number", p.Scale)
	}
	if p.Zero < -128 || p.Zero > 127 {
		return fmt.Errorf("zero point %d is outside int8", p.Zero)
	}
	return nil
}

// Quantize rounds x to the nearest int8 step, saturating.
func (p QParams) Quantize(x float32) int8 {
	q := math.Round(float64(x)/float64(p.Scale)) + float64(p.Zero)
	return int8(math.Max(-128, math.Min(127, q)))
}

// Dequantize is Scale * (q - Zero).
func (p QParams) Dequantize(q int8) float32 {
	return p.Scale * float32(int32(q)-p.Zero)
}

// ReluRange is the clamp that fuses a ReLU: nothing below the real zero.
func (p QParams) ReluRange() (min, max int8) {
	z := p.Zero
	if z < -128 {
		z = -128
	}
	if z > 127 {
		z = 127
	}
	return int8(z), 127
}
