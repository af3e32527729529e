package quant

import "github.com/retina-edge/retina/kernels"

// addLeftShift is TFLite's headroom for quantized ADD: both inputs are
// shifted up 20 bits before being rescaled to a common scale.
const addLeftShift = 20

// Add is TFLite's quantized int8 ADD (residual and FPN top-down sums):
// both inputs are rescaled to twice the larger input scale, summed in
// int32 and requantized to the output; the clamp fuses a ReLU.
type Add struct {
	in1Offset, in2Offset int32
	in1Mult, in2Mult     int32
	in1Shift, in2Shift   int
	outMult              int32
	outShift             int
	outZero              int32
	Min, Max             int8
}

// NewAdd prepares the multipliers for out = in1 + in2 (ReLU when relu).
func NewAdd(in1, in2, out QParams, relu bool) *Add {
	twiceMax := 2 * max(float64(in1.Scale), float64(in2.Scale))
	a := &Add{in1Offset: -in1.Zero, in2Offset: -in2.Zero, outZero: out.Zero, Min: -128, Max: 127}
	a.in1Mult, a.in1Shift = kernels.QuantizeMultiplier(float64(in1.Scale) / twiceMax)
	a.in2Mult, a.in2Shift = kernels.QuantizeMultiplier(float64(in2.Scale) / twiceMax)
	a.outMult, a.outShift = kernels.QuantizeMultiplier(twiceMax / (float64(int(1)<<addLeftShift) * float64(out.Scale)))
	if relu {
		a.Min, a.Max = out.ReluRange()
	}
	return a
}

// One adds a single pair.
func (a *Add) One(x, y int8) int8 {
	sx := kernels.MultiplyByQuantizedMultiplier((int32(x)+a.in1Offset)<<addLeftShift, a.in1Mult, a.in1Shift)
	sy := kernels.MultiplyByQuantizedMultiplier((int32(y)+a.in2Offset)<<addLeftShift, a.in2Mult, a.in2Shift)
	o := kernels.MultiplyByQuantizedMultiplier(sx+sy, a.outMult, a.outShift) + a.outZero
	if o < int32(a.Min) {
		o = int32(a.Min)
	}
	if o > int32(a.Max) {
		o = int32(a.Max)
	}
	return int8(o)
}

// Apply writes dst[i] = x[i] + y[i] (dst may alias x or y).
func (a *Add) Apply(dst, x, y []int8) {
	y = y[:len(x)]
	dst = dst[:len(x)]
	for i := range x {
		dst[i] = a.One(x[i], y[i])
	}
}
