package kernels

import "math"

// TFLite's (gemmlowp's) fixed-point requantization. Every int8 tier ends
// its GEMM here, so the results are bit-exact across tiers by construction.

// QuantizeMultiplier writes real as multiplier * 2^shift / 2^31 with the
// multiplier in [2^30, 2^31): frexp, then round(q * 2^31). A positive shift
// is a left shift. Zero (and values too small to represent) give (0, 0).
func QuantizeMultiplier(real float64) (multiplier int32, shift int) {
	if real == 0 || math.IsNaN(real) || math.IsInf(real, 0) {
		return 0, 0
	}
	q, exp := math.Frexp(real)
	fixed := int64(math.Round(q * (1 << 31)))
	if fixed == 1<<31 || fixed == -(1<<31) {
		fixed /= 2
		exp++
	}
	if exp < -31 {
		return 0, 0
	}
	if exp > 30 {
		exp = 30 // a left shift past 30 overflows any nonzero accumulator anyway
	}
	return int32(fixed), exp
}

// SaturatingRoundingDoublingHighMul returns the high 32 bits of 2*a*b,
// rounded to nearest, ties upward (gemmlowp's nudge); the one overflowing case (MinInt32 squared)
// saturates to MaxInt32.
func SaturatingRoundingDoublingHighMul(a, b int32) int32 {
	if a == b && a == math.MinInt32 {
		return math.MaxInt32
	}
	ab := int64(a) * int64(b)
	nudge := int64(1 << 30)
	if ab < 0 {
		nudge = 1 - (1 << 30)
	}
	return int32((ab + nudge) / (1 << 31)) // Go's division truncates, as C++'s does
}

// RoundingDivideByPOT returns x / 2^exponent rounded half away from zero
// (exponent in 0..31).
func RoundingDivideByPOT(x int32, exponent int) int32 {
	mask := int32(uint32(1)<<uint(exponent) - 1)
	remainder := x & mask
	threshold := mask >> 1
	if x < 0 {
		threshold++
	}
	out := x >> uint(exponent)
	if remainder > threshold {
		out++
	}
	return out
}

// MultiplyByQuantizedMultiplier is TFLite's: x * multiplier * 2^shift / 2^31
// with the left part of the shift applied first (wrapping, as int32 does)
// and the right part rounded.
func MultiplyByQuantizedMultiplier(x int32, multiplier int32, shift int) int32 {
	left, right := 0, 0
	if shift > 0 {
		left = shift
	} else {
		right = -shift
	}
	return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x*(int32(1)<<uint(left)), multiplier), right)
}
