package quant

import (
	"fmt"
	"math"
)

// QuantizeWeights quantizes an outC x k float matrix per output channel,
// symmetrically into [-127, 127] (zero point 0, as TFLite requires for
// weights). A channel of zeros gets scale 1 so its multiplier stays finite.
func QuantizeWeights(w []float32, outC, k int) (q []int8, scales []float32, err error) {
	if outC <= 0 || k <= 0 || len(w) != outC*k {
		return nil, nil, fmt.Errorf("quant: weights have %d values, want %d x %d", len(w), outC, k)
	}
	q = make([]int8, len(w))
	scales = make([]float32, outC)
	for c := 0; c < outC; c++ {
		row := w[c*k : (c+1)*k]
		maxAbs := 0.0
		for _, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, nil, fmt.Errorf("quant: weight row %d holds %g", c, v)
			}
			maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
		}
		s := maxAbs / 127
		if s == 0 {
			s = 1
		}
		scales[c] = float32(s)
		for j, v := range row {
			r := math.Round(float64(v) / float64(scales[c]))
			q[c*k+j] = int8(math.Max(-127, math.Min(127, r)))
		}
	}
	return q, scales, nil
}

// QuantizeBias gives the int32 biases the GEMM adds to its accumulators:
// round(b / (s_in * s_w[c])) with the input zero point folded in
// (- zp_in * sum_k w[c][k]), so the kernel multiplies raw int8 activations.
func QuantizeBias(b []float32, in QParams, wScales []float32, wq []int8, k int) ([]int32, error) {
	outC := len(wScales)
	if len(wq) != outC*k || (b != nil && len(b) != outC) {
		return nil, fmt.Errorf("quant: bias has %d values, weights %d x %d", len(b), outC, k)
	}
	out := make([]int32, outC)
	for c := 0; c < outC; c++ {
		var sum int64
		for _, v := range wq[c*k : (c+1)*k] {
			sum += int64(v)
		}
		acc := -int64(in.Zero) * sum
		if b != nil {
			acc += int64(math.Round(float64(b[c]) / (float64(in.Scale) * float64(wScales[c]))))
		}
		if acc > math.MaxInt32 || acc < math.MinInt32 {
			return nil, fmt.Errorf("quant: bias of channel %d overflows int32 (%d)", c, acc)
		}
		out[c] = int32(acc)
	}
	return out, nil
}
