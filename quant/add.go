package quant

import "github.com/retina-edge/retina/kernels"

// addLeftShift is TFLite's headroom for quantized ADD: both inputs are
// shifted up 20 bits before being rescaled to a common scale.
const addLeftShift = 20

// Add is TFLite's quantized int8 ADD (residual and FPN top-down sums):
// both inputs are rescaled to twice the larger input scale, summed in
// int32 and requantized to the output; the clamp fuses a ReLU.
type Add struct {
	In1, In2, Out        QParams
	in1Offset, in2Offset int32
	in1Mult, in2Mult     int32
	in1Shift, in2Shift   int
	outMult              int32
	outShift             int
	outZero              int32
	Min, Max             int8

	// The output depends on the two int8 inputs alone: all 65536 sums are
	// computed once, indexed by uint8(x)<<8 | uint8(y), so that adding is
	// one lookup per element (the table stays in L2).
	table *[1 << 16]int8
}

// NewAdd prepares the multipliers for out = in1 + in2 (ReLU when relu).
func NewAdd(in1, in2, out QParams, relu bool) *Add {
	twiceMax := 2 * max(float64(in1.Scale), float64(in2.Scale))
	a := &Add{In1: in1, In2: in2, Out: out, in1Offset: -in1.Zero, in2Offset: -in2.Zero, outZero: out.Zero, Min: -128, Max: 127}
	a.in1Mult, a.in1Shift = kernels.QuantizeMultiplier(float64(in1.Scale) / twiceMax)
	a.in2Mult, a.in2Shift = kernels.QuantizeMultiplier(float64(in2.Scale) / twiceMax)
	a.outMult, a.outShift = kernels.QuantizeMultiplier(twiceMax / (float64(int(1)<<addLeftShift) * float64(out.Scale)))
	if relu {
		a.Min, a.Max = out.ReluRange()
	}
	var term1, term2 [256]int32
	for v := -128; v < 128; v++ {
		term1[uint8(v)] = kernels.MultiplyByQuantizedMultiplier((int32(v)+a.in1Offset)<<addLeftShift, a.in1Mult, a.in1Shift)
		term2[uint8(v)] = kernels.MultiplyByQuantizedMultiplier((int32(v)+a.in2Offset)<<addLeftShift, a.in2Mult, a.in2Shift)
	}
	rescale := newFixedMul(a.outMult, a.outShift)
	lo, hi := int32(a.Min)-a.outZero, int32(a.Max)-a.outZero
	a.table = new([1 << 16]int8)
	for x := range 256 {
		for y := range 256 {
			o := rescale.of(term1[x] + term2[y])
			a.table[x<<8|y] = int8(min(max(o, lo), hi) + a.outZero)
		}
	}
	return a
}

// One adds a single pair with kernels' scalar primitives: the reference
// Apply is tested against.
func (a *Add) One(x, y int8) int8 {
	sx := kernels.MultiplyByQuantizedMultiplier((int32(x)+a.in1Offset)<<addLeftShift, a.in1Mult, a.in1Shift)
	sy := kernels.MultiplyByQuantizedMultiplier((int32(y)+a.in2Offset)<<addLeftShift, a.in2Mult, a.in2Shift)
	o := kernels.MultiplyByQuantizedMultiplier(sx+sy, a.outMult, a.outShift) + a.outZero
	return int8(min(max(o, int32(a.Min)), int32(a.Max)))
}

// Apply writes dst[i] = x[i] + y[i] (dst may alias x or y).
func (a *Add) Apply(dst, x, y []int8) {
	y = y[:len(x)]
	dst = dst[:len(x)]
	t := a.table
	for i := range x {
		dst[i] = t[uint16(uint8(x[i]))<<8|uint16(uint8(y[i]))]
	}
}

// ApplyUpsampled is the FPN's top-down sum, dst = x + nearest(y), in place
// on dst (= x allowed): y is planes of yh x yw read through the nearest
// source row and column tables of dst's oh x ow planes.
func (a *Add) ApplyUpsampled(dst, x []int8, planes, oh, ow int, y []int8, yh, yw int, rows, cols []int32) {
	t := a.table
	cols = cols[:ow]
	for p := range planes {
		for oy := range oh {
			src := y[(p*yh+int(rows[oy]))*yw : (p*yh+int(rows[oy])+1)*yw]
			xl := x[(p*oh+oy)*ow : (p*oh+oy+1)*ow]
			dl := dst[(p*oh+oy)*ow : (p*oh+oy+1)*ow]
			for i, c := range cols {
				dl[i] = t[uint16(uint8(xl[i]))<<8|uint16(uint8(src[c]))]
			}
		}
	}
}
