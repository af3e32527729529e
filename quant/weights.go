package quant

import (
	"fmt"
	"math"
)

// maxBiasSteps bounds a quantized bias (before the zero-point fold): the
// rest of int32 holds the fold and the products the GEMM adds to it.
const maxBiasSteps = 1 << 30

// QuantizeWeights quantizes an outC x k float matrix per output channel,
// symmetrically into [-127, 127] (zero point 0, as TFLite requires for
// weights). A channel of zeros gets scale 1 so its multiplier stays finite.
func QuantizeWeights(w []float32, outC, k int) (q []int8, scales []float32, err error) {
	return quantizeWeights(w, outC, k, nil)
}

// weightScaleFloor is, per output channel, the least weight scale whose
// bias b fits maxBiasSteps steps of inScale * scale (nil when b is nil).
// A pyramid level whose activations are tiny (P7 of an untrained model)
// gets a tiny input scale that would overflow the bias; TFLite raises the
// weight scale the same way.
func weightScaleFloor(b []float32, inScale float32) []float64 {
	if b == nil {
		return nil
	}
	out := make([]float64, len(b))
	for c, v := range b {
		out[c] = math.Abs(float64(v)) / (float64(inScale) * maxBiasSteps)
	}
	return out
}

// quantizeWeights is QuantizeWeights with channel c's scale at least
// floor[c] (floor may be nil).
func quantizeWeights(w []float32, outC, k int, floor []float64) (q []int8, scales []float32, err error) {
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
		if c < len(floor) && floor[c] > s && !math.IsInf(floor[c], 0) {
			s = floor[c]
		}
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
