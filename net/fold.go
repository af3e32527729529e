package net

import "math"

// FoldBatchNorm folds an eval-mode batch norm into the conv before it (as
// NewModel does, and the quantizer after it):
// y = gamma*(conv(x)+b-mean)/sqrt(var+eps)+beta becomes conv'(x)+b' with
// w'[o] = w[o]*s[o], b' = (b-mean)*s+beta, s = gamma/sqrt(var+eps). It is
// computed in float64 and rounded once. w is oc x (ic*k*k); bias may be nil
// (no conv bias). It returns new slices.
func FoldBatchNorm(w, bias, gamma, beta, mean, variance []float32) (fw, fb []float32) {
	oc := len(gamma)
	per := len(w) / oc
	fw = make([]float32, len(w))
	fb = make([]float32, oc)
	for o := range oc {
		s := float64(gamma[o]) / math.Sqrt(float64(variance[o])+BatchNormEps)
		for i, v := range w[o*per : (o+1)*per] {
			fw[o*per+i] = float32(float64(v) * s)
		}
		var b float64
		if bias != nil {
			b = float64(bias[o])
		}
		fb[o] = float32((b-float64(mean[o]))*s + float64(beta[o]))
	}
	return fw, fb
}
