package kernels

import "math"

// rqRow is one row's requantization constants, computed once per GEMM call
// and read by the Go loop and the SIMD kernels alike (the assembly reads
// the fields by offset: keep the order and the 32-byte size).
type rqRow struct {
	add   int32 // the row's bias minus what the tier's sums carry on top of A*B
	mult  int32 // fixed-point multiplier (SaturatingRoundingDoublingHighMul)
	left  int32 // left shift before the multiply, 0..30
	right int32 // rounding right shift after it, 0..31
	mask  int32 // 1<<right - 1
	half  int32 // mask >> 1, RoundingDivideByPOT's threshold for x >= 0
	_     [2]int32
}

// setShift splits a QuantizeMultiplier shift into the row's shifts.
func (p *rqRow) setShift(mult int32, shift int) {
	p.mult = mult
	p.left, p.right = int32(max(shift, 0)), int32(max(-shift, 0))
	p.mask = int32(uint32(1)<<uint(p.right) - 1)
	p.half = p.mask >> 1
}

// rqLanes holds rqRow's and rqClamp's constants for each of 16 tiles
// (lane t of each array is tile t's): a Winograd output group whose tiles
// lie in more than one image, each with its own requantization.
type rqLanes struct {
	add, mult, left, right, mask, half, lo, hi, zero [16]int32
}

// set makes lane t tile the constants of row r and clamp c.
func (l *rqLanes) set(t int, r *rqRow, c rqClamp) {
	l.add[t], l.mult[t], l.left[t], l.right[t], l.mask[t], l.half[t] = r.add, r.mult, r.left, r.right, r.mask, r.half
	l.lo[t], l.hi[t], l.zero[t] = c.lo, c.hi, c.zero
}

// rqClamp is a GEMM's output clamp with the zero point taken out, so that
// clamping comes before adding OutZero and nothing can overflow:
// clamp(zero + x, Min, Max) == clamp(x, lo, hi) + zero for int8 zero points.
type rqClamp struct {
	lo, hi, zero int32
}

func (rq *Requant) clamp() rqClamp {
	return rqClamp{lo: int32(rq.Min) - rq.OutZero, hi: int32(rq.Max) - rq.OutZero, zero: rq.OutZero}
}

// requantRowGo writes the requantized int8 values of acc into dst with row
// constants p: MultiplyByQuantizedMultiplier with the rounding nudge
// branch-free (the tests compare it with the plain one). This is the scalar
// loop every SIMD requantization kernel's doc comment refers to.
func requantRowGo(dst []int8, acc []int32, p *rqRow, cl rqClamp) {
	mult, left, right := p.mult, uint(p.left), uint(p.right)
	dst = dst[:len(acc)]
	for c, v := range acc {
		x := (p.add + v) << left
		var high int32
		if x == math.MinInt32 && mult == math.MinInt32 {
			high = math.MaxInt32
		} else {
			// (ab + nudge) / 2^31 truncated, with nudge 2^30 for ab >= 0
			// and 1 - 2^30 below, is floor((ab + 2^30) / 2^31): one shift.
			high = int32((int64(x)*int64(mult) + 1<<30) >> 31)
		}
		threshold := p.half + int32(uint32(high)>>31)
		// + 1 when the remainder exceeds the threshold (the sign bit of
		// threshold - remainder; both lie in [0, 2^31)), without a branch
		// that would mispredict on half the values.
		out := high>>right + int32(uint32(threshold-high&p.mask)>>31)
		dst[c] = int8(min(max(out, cl.lo), cl.hi) + cl.zero)
	}
}
