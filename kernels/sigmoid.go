package kernels

import "math"

// sigmoidFloor is where every tier returns exactly 0: below it the true
// value (< 6e-39) is no longer a normal float32.
const sigmoidFloor = -88

// Sigmoid writes 1/(1+exp(-x)) of each src element into dst with the active
// tier. dst and src must have the same length; they may be the same slice.
func Sigmoid(dst, src []float32) { active.Sigmoid(dst, src) }

// Sigmoid runs this tier's sigmoid: max abs error 1e-6 against float64,
// exactly 0 below -88 and exactly 1 far above 0, NaN stays NaN.
func (im *Impl) Sigmoid(dst, src []float32) {
	if len(dst) != len(src) {
		panic("kernels: Sigmoid: dst and src lengths differ")
	}
	if len(src) > 0 {
		im.sigmoid(dst, src)
	}
}

// sigmoidGeneric is the reference: float64 exp, rounded once.
func sigmoidGeneric(dst, src []float32) {
	for i, x := range src {
		switch {
		case x < sigmoidFloor:
			dst[i] = 0
		default:
			dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
		}
	}
}
