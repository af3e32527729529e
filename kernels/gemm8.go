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
	if rq.OutZero < math.MinInt8 || rq.OutZero > math.MaxInt8 {
		panic(fmt.Sprintf("kernels: Requant output zero point %d is not an int8", rq.OutZero))
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

// int8Out is where finished int32 tiles go: requantized into c, or into
// acc with the bias added.
type int8Out struct {
	c    []int8
	acc  []int32
	ldc  int
	rq   *Requant
	bias []int32
}

func (e *Engine) gemm8(pa *PackedA8, n int, b []int8, ldb int, out int8Out) {
	im := e.impl8
	if pa.impl.MR != im.MR || pa.impl.wideA != im.wideA {
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
	*j = gemm8Job{impl: im, pa: pa, b: b, ldb: ldb, out: out,
		loop: newGemmLoop(pa.M, n, pa.K4, im.MR, im.NR, pa.K4, im.MC, im.NC, e.threads)}
	j.rows, j.simd = e.rowConstants(im, pa, out)
	if out.rq != nil {
		j.clamp = out.rq.clamp()
	}
	e.run(j, j.loop.tasks())
	*j = gemm8Job{}
}

// rowConstants fills the engine's per-row constants for one call on tier
// im: the bias less the tier's offset (VNNI's 128*rowsum(A)) and the
// requantization's multiplier and shifts. simd reports whether the tier's
// requantization kernel serves every row (it leaves the one saturating
// multiplier, MinInt32, to the Go loop).
func (e *Engine) rowConstants(im *Int8Impl, pa *PackedA8, out int8Out) (rows []rqRow, simd bool) {
	if cap(e.rows8) < pa.M {
		e.rows8 = make([]rqRow, pa.M)
	}
	rows = e.rows8[:pa.M]
	bias := out.bias
	if out.rq != nil {
		bias = out.rq.Bias
	}
	simd = out.rq != nil && im.requant != nil
	for i := range rows {
		p := rqRow{}
		if bias != nil {
			p.add = bias[i]
		}
		if im.offsetB {
			p.add -= 128 * pa.RowSums[i]
		}
		if out.rq != nil {
			p.setShift(out.rq.Multiplier[i], out.rq.Shift[i])
			simd = simd && p.mult != math.MinInt32
		}
		rows[i] = p
	}
	return rows, simd
}
