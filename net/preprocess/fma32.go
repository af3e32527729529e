package preprocess

import "math"

// fma32 returns x*y + z rounded once to float32, like C's fmaf. PyTorch's
// AVX2/AVX-512 builds compile the bilinear kernel's a*w0 + b*w1 with the
// multiply-add contracted, so exactness needs a real fused float32 op.
//
// x*y is exact in float64 (24+24 bits), so the float64 sum is rounded once;
// rounding that to float32 again is only wrong when the float64 lands
// exactly halfway between two float32s without being exact. Then the sum's
// exact error (TwoSum) tells which way to nudge it first (musl's fmaf).
func fma32(x, y, z float32) float32 {
	xy := float64(x) * float64(y)
	zz := float64(z)
	r := float64(xy) + zz
	bits := math.Float64bits(r)
	e := int(bits>>52&0x7ff) - 1023
	if e == 1024 || r == 0 {
		return float32(r) // Inf or NaN, or an exact zero
	}
	if e < -149 {
		// Below the smallest float32 subnormal: only ±2^-150 is a tie.
		if math.Abs(r) != 0x1p-150 {
			return float32(r)
		}
	} else {
		// Bits of the float64 mantissa below the float32 result's ulp:
		// 29 for normal results, more for float32 subnormals.
		drop := uint(29)
		if e < -126 {
			drop = uint(-97 - e)
		}
		if bits&(1<<drop-1) != 1<<(drop-1) {
			return float32(r) // not a halfway case
		}
	}
	bb := float64(r - xy)
	err := (xy - float64(r-bb)) + (zz - bb)
	switch {
	case err > 0:
		r = math.Nextafter(r, math.Inf(1))
	case err < 0:
		r = math.Nextafter(r, math.Inf(-1))
	}
	return float32(r)
}
