package preprocess

import "math"

// fma32 returns x*y + z rounded once to float32, like C's fmaf. PyTorch's
// AVX2/AVX-512 builds compile the bilinear kernel's a*w0 + b*w1 with the
// multiply-add contracted, so exactness needs a real fused float32 op.
func fma32(x, y, z float32) float32 {
	return sumToFloat32(float64(x)*float64(y), float64(z))
}

// sumToFloat32 rounds a+b to float32 once, for a and b whose float64 sum
// cannot overflow (x*y of float32s is exact in float64: 24+24 bits).
//
// The sum is rounded to odd in float64 (to nearest, then moved one ulp
// toward the exact value when it was inexact and landed on an even
// mantissa); rounding to odd in a format at least two bits wider than the
// target makes the final rounding to float32 correct (Boldo and
// Melquiond). The hot loops repeat this body so that it inlines.
func sumToFloat32(a, b float64) float32 {
	r := a + b
	bits := math.Float64bits(r)
	if bits&(0x7ff<<52) == 0x7ff<<52 {
		return float32(r) // Inf or NaN
	}
	if mayNeedRoundToOdd(bits) {
		bits += roundToOddStep(a, b, r, bits)
	}
	return float32(math.Float64frombits(bits))
}

// mayNeedRoundToOdd is false when float32(r) is right whatever the exact
// sum was: r is not halfway between two float32s, or it is a normal
// float32 itself. The test is cheap and almost always false for sums of
// inexact weights, so the loops skip the rounding to odd then.
func mayNeedRoundToOdd(bits uint64) bool {
	low := bits & 0x1fffffff
	return low == 0x10000000 || low == 0 && bits&(0x7ff<<52) < (1023-126)<<52
}

// roundToOddStep is what to add to r's bits to round a+b to odd: 0, or ±1
// (one ulp away from or toward zero, to the odd neighbour on the exact
// value's side).
func roundToOddStep(a, b, r float64, bits uint64) uint64 {
	bb := r - a
	e := math.Float64bits((a - (r - bb)) + (b - bb)) // TwoSum: exact error
	nz := e<<1 | -(e << 1)                           // top bit: error is not zero
	need := uint64(int64(nz&^(bits<<63)) >> 63)      // all ones: inexact and even
	return need & uint64(int64(e^bits)>>63|1)        // +1 or -1 (two's complement)
}
