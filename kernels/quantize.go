package kernels

import (
	"fmt"
	"math"
)

// Quantize writes the int8 codes of float activations: with r = src[i]*inv
// (one float32 multiply; NaN counts as 0) clamped to [-512, 512], dst[i] =
// floor(r + 0.5) + zero, saturated to [-128, 127]. inv is 1/scale; ties
// round up. Every tier gives the same bytes.
func (im *Int8Impl) Quantize(dst []int8, src []float32, inv float32, zero int32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("kernels: Quantize: %d outputs for %d inputs", len(dst), len(src)))
	}
	done := 0
	if im.quantize != nil {
		done = len(src) / im.qLanes * im.qLanes
		if done > 0 {
			im.quantize(&dst[0], &src[0], done, inv, zero)
		}
	}
	quantizeGo(dst[done:], src[done:], inv, zero)
}

// quantizeGo is the reference. floor(r + 0.5) is floor(r) plus one when
// r's fraction is at least a half: exact in float32, as the vector tiers
// compute it.
func quantizeGo(dst []int8, src []float32, inv float32, zero int32) {
	dst = dst[:len(src)]
	for i, v := range src {
		r := float32(v * inv)
		if r != r {
			r = 0
		}
		r = min(max(r, -512), 512)
		f := float32(math.Floor(float64(r)))
		if r-f >= 0.5 {
			f++
		}
		dst[i] = int8(min(max(int32(f)+zero, -128), 127))
	}
}
