package preprocess

import "math"

// The two steps of ATen's separable bilinear kernel, each output a fused
// multiply-add: fma32(v0, w0, float32(v1*w1)) written out so that it
// inlines. Each comes in two loops: one that tests for a possible tie
// first (cheap and well predicted for arbitrary weights) and one that
// always rounds to odd, for short weights such as 0.5 or 0.25 (exact 2x
// or 4/3x resizes), whose sums are so often ties that the test would be
// mispredicted half of the time.

// shortWeight reports whether w has at most 8 significant bits, which
// makes products and sums exact or tied often.
func shortWeight(w float32) bool {
	return math.Float32bits(w)&0xffff == 0
}

// resampleRow is the inner (width) step: out[x] = src[i0]*w0 + src[i1]*w1,
// with src's bytes normalized through norm.
func resampleRow(out []float32, src []uint8, norm *[256]float32, a *axis) {
	i0, i1, w0, w1 := a.i0[:len(out)], a.i1[:len(out)], a.w0[:len(out)], a.w1[:len(out)]
	if a.short {
		for x := range out {
			v0, v1 := norm[src[i0[x]]], norm[src[i1[x]]]
			a, b := float64(v0)*float64(w0[x]), float64(float32(v1*w1[x]))
			r := a + b
			bits := math.Float64bits(r)
			out[x] = float32(math.Float64frombits(bits + roundToOddStep(a, b, r, bits)))
		}
		return
	}
	for x := range out {
		v0, v1 := norm[src[i0[x]]], norm[src[i1[x]]]
		a, b := float64(v0)*float64(w0[x]), float64(float32(v1*w1[x]))
		r := a + b
		bits := math.Float64bits(r)
		if mayNeedRoundToOdd(bits) {
			bits += roundToOddStep(a, b, r, bits)
		}
		out[x] = float32(math.Float64frombits(bits))
	}
}

// blendRows is the outer (height) step: out = r0*w0 + r1*w1; short says
// both weights are short (see shortWeight).
func blendRows(out, r0, r1 []float32, w0, w1 float32, short bool) {
	r0, r1 = r0[:len(out)], r1[:len(out)]
	if short {
		for x := range out {
			a, b := float64(r0[x])*float64(w0), float64(float32(r1[x]*w1))
			r := a + b
			bits := math.Float64bits(r)
			out[x] = float32(math.Float64frombits(bits + roundToOddStep(a, b, r, bits)))
		}
		return
	}
	for x := range out {
		a, b := float64(r0[x])*float64(w0), float64(float32(r1[x]*w1))
		r := a + b
		bits := math.Float64bits(r)
		if mayNeedRoundToOdd(bits) {
			bits += roundToOddStep(a, b, r, bits)
		}
		out[x] = float32(math.Float64frombits(bits))
	}
}
