package quant

// fixedMul is kernels.MultiplyByQuantizedMultiplier with its constants
// split out once, for the element loops of Add: a wrapping left shift, the
// doubling high multiply as one 64-bit multiply and shift, and the rounding
// right shift without branches (the form kernels' requantization uses).
// Multipliers from kernels.QuantizeMultiplier are never MinInt32, so the
// one saturating case of SaturatingRoundingDoublingHighMul cannot occur.
type fixedMul struct {
	mult        int64
	left, right uint
	mask, half  int32
}

func newFixedMul(multiplier int32, shift int) fixedMul {
	f := fixedMul{mult: int64(multiplier), left: uint(max(shift, 0)), right: uint(max(-shift, 0))}
	f.mask = int32(uint32(1)<<f.right - 1)
	f.half = f.mask >> 1
	return f
}

// of applies the multiplier to x.
func (f *fixedMul) of(x int32) int32 {
	x <<= f.left
	// (x*m + nudge) / 2^31 truncated equals floor((x*m + 2^30) / 2^31).
	high := int32((int64(x)*f.mult + 1<<30) >> 31)
	threshold := f.half + int32(uint32(high)>>31)
	return high>>f.right + int32(uint32(threshold-high&f.mask)>>31)
}
