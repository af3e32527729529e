//go:build !purego

package kernels

// sigmoidNEON runs the assembly on whole groups of 4 and passes the last
// 1-3 values through a 4-value buffer, so no load or store leaves the slices.
func sigmoidNEON(dst, src []float32) {
	n := len(src) &^ 3
	dst = dst[:len(src)]
	if n > 0 {
		sigmoid4NEON(&dst[0], &src[0], n)
	}
	if rest := len(src) - n; rest > 0 {
		var buf [4]float32
		copy(buf[:], src[n:])
		sigmoid4NEON(&buf[0], &buf[0], 4)
		copy(dst[n:], buf[:rest])
	}
}

// sigmoid4NEON writes the sigmoid of n values (n a positive multiple of 4);
// dst may be src. Within 1e-6 of float64, like:
//
//	for i := 0; i < n; i++ {
//		x := src[i]
//		if x < -88 {
//			dst[i] = 0 // sigmoidFloor
//		} else {
//			dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
//		}
//	}
//
//go:noescape
func sigmoid4NEON(dst, src *float32, n int)
