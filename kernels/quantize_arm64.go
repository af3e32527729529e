//go:build !purego

package kernels

// quantizeNEON is Quantize on n values, n a positive multiple of 8:
//
//	for i := 0; i < n; i++ {
//		r := src[i] * inv
//		if r != r { // NaN
//			r = 0
//		}
//		r = min(max(r, -512), 512)
//		f := floor(r)
//		if r-f >= 0.5 {
//			f++
//		}
//		dst[i] = int8(min(max(int32(f)+zero, -128), 127))
//	}
//
//go:noescape
func quantizeNEON(dst *int8, src *float32, n int, inv float32, zero int32)
