//go:build !purego

package kernels

// sigmoidAVX2 is the AVX2+FMA sigmoid, 8 lanes at a time (masked tail):
//
//	for i, x := range src {
//		if x < sigmoidFloor {
//			dst[i] = 0
//		} else {
//			dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
//		}
//	}
//
// computed as e/(1+e) or 1/(1+e) with e = exp(-|x|), so exp never overflows.
//
//go:noescape
func sigmoidAVX2(dst, src []float32)

// sigmoidAVX512 is the AVX-512F sigmoid, 16 lanes at a time (masked tail):
//
//	for i, x := range src {
//		if x < sigmoidFloor {
//			dst[i] = 0
//		} else {
//			dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
//		}
//	}
//
// computed as e/(1+e) or 1/(1+e) with e = exp(-|x|), so exp never overflows.
//
//go:noescape
func sigmoidAVX512(dst, src []float32)
