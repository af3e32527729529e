package kernels

import (
	"fmt"
	"math"
)

// Requant turns a row's int32 sums into int8 outputs, TFLite style:
// C[i][j] = clamp(OutZero + MultiplyByQuantizedMultiplier(Bias[i] + acc,
// Multiplier[i], Shift[i]), Min, Max). Bias (nil for none), Multiplier and
// Shift hold one value per row of C; a fused ReLU is Min = OutZero.
type Requant struct {
	Bias       []int32
	Multiplier []int32
	Shift      []int
	OutZero    int32
	Min, Max   int8
}

// check panics on a Requant that cannot serve m rows.
func (rq *Requant) check(m int) {
	if rq == nil {
		panic("kernels: nil Requant")
	}
	if rq.Bias != nil && len(rq.Bias) < m || len(rq.Multiplier) < m || len(rq.Shift) < m {
		panic(fmt.Sprintf("kernels: Requant has %d biases, %d multipliers, %d shifts for %d rows", len(rq.Bias), len(rq.Multiplier), len(rq.Shift), m))
	}
	if rq.Min > rq.Max {
		panic(fmt.Sprintf("kernels: Requant clamp [%d, %d] is empty", rq.Min, rq.Max))
	}
	for i, s := range rq.Shift[:m] {
		if s < -31 || s > 30 {
			panic(fmt.Sprintf("kernels: Requant shift %d of row %d outside [-31, 30]", s, i))
		}
	}
}

// requantRow writes the requantized int8 values of acc (row i) into dst;
// offset is what the tier's sums carry on top of A*B. It is
// MultiplyByQuantizedMultiplier with the row's constants hoisted and the
// rounding nudge branch-free (the tests compare it with the plain one).
func (rq *Requant) requantRow(dst []int8, acc []int32, i int, offset int32) {
	var bias int32
	if rq.Bias != nil {
		bias = rq.Bias[i]
	}
	bias -= offset
	mult, shift := rq.Multiplier[i], rq.Shift[i]
	left, right := uint(max(shift, 0)), uint(max(-shift, 0))
	mask := int32(uint32(1)<<right - 1)
	lo, hi := int64(rq.Min), int64(rq.Max)
	zero := int64(rq.OutZero)
	dst = dst[:len(acc)]
	for c, v := range acc {
		x := (bias + v) << left
		var high int32
		if x == math.MinInt32 && mult == math.MinInt32 {
			high = math.MaxInt32
		} else {
			ab := int64(x) * int64(mult)
			nudge := int64(1<<30) - (ab>>63)&(1<<31-1)
			high = int32((ab + nudge) / (1 << 31))
		}
		threshold := mask>>1 + int32(uint32(high)>>31)
		// + 1 when the remainder exceeds the threshold (the sign bit of
		// threshold - remainder; both lie in [0, 2^31)), without a branch
		// that would mispredict on half the values.
		out := high>>right + int32(uint32(threshold-high&mask)>>31)
		// int64 so that OutZero + a near-MaxInt32 product cannot wrap.
		dst[c] = int8(min(max(zero+int64(out), lo), hi))
	}
}

// GemmI8 computes the int8 C (m x n, row stride ldc) = requant(A*B) with A
// pre-packed (m x k) and B the row-major k x n int8 matrix (row stride ldb).
// Integer sums are exact, so the result is the same for every tier and
// thread count.
func (e *Engine) GemmI8(pa *PackedA8, n int, b []int8, ldb int, c []int8, ldc int, rq *Requant) {
	rq.check(pa.M)
	checkMatrix8("C", pa.M, n, len(c), ldc)
	e.gemm8(pa, n, b, ldb, int8Out{c: c, ldc: ldc, rq: rq})
}

// GemmI8Acc computes the raw int32 C = bias[i] + A*B (bias nil for none),
// for layers the caller dequantizes itself.
func (e *Engine) GemmI8Acc(pa *PackedA8, n int, b []int8, ldb int, c []int32, ldc int, bias []int32) {
	if bias != nil && len(bias) < pa.M {
		panic(fmt.Sprintf("kernels: GemmI8Acc has %d biases for %d rows", len(bias), pa.M))
	}
	checkMatrix8("C", pa.M, n, len(c), ldc)
	e.gemm8(pa, n, b, ldb, int8Out{acc: c, ldc: ldc, bias: bias})
}

// int8Out is where a finished int32 tile goes: requantized into c, or
// biased into acc.
type int8Out struct {
	c    []int8
	acc  []int32
	ldc  int
	rq   *Requant
	bias []int32
}

func (e *Engine) gemm8(pa *PackedA8, n int, b []int8, ldb int, out int8Out) {
	im := e.impl8
	if pa.impl.MR != im.MR {
		panic("kernels: PackedA8 was packed for int8 tier " + pa.impl.Name + ", engine runs " + im.Name)
	}
	if pa.K > 0 {
		checkMatrix8("B", pa.K, n, len(b), ldb)
	}
	if pa.M == 0 || n == 0 {
		return
	}
	if int64(pa.K)*128*128 > math.MaxInt32 {
		panic(fmt.Sprintf("kernels: int8 GEMM with k = %d can overflow its int32 sums", pa.K))
	}
	j := &e.i8
	*j = gemm8Job{impl: im, pa: pa, n: n, b: b, ldb: ldb, out: out}
	j.tm, j.tn = splitTiles(ceilDiv(pa.M, im.MR), ceilDiv(n, im.NR), e.threads)
	e.run(j, j.tm*j.tn)
	*j = gemm8Job{}
}
