//go:build !purego

package kernels

// zeroBias is the bias of an epilogue without one: ReLU alone.
var zeroBias float32

// epilogueRowsVector is epilogueRowsGeneric in AVX2.
func epilogueRowsVector(c []float32, ldc, rows, cols int, bias []float32, relu bool) {
	if rows <= 0 || cols <= 0 {
		return
	}
	// The assembly reads and writes rows rows of cols values of c and reads
	// rows biases: check both before trusting pointers.
	_ = c[(rows-1)*ldc+cols-1]
	bp, step := &zeroBias, 0
	if bias != nil {
		_ = bias[rows-1]
		bp, step = &bias[0], 4
	}
	r := 0
	if relu {
		r = 1
	}
	epilogueRowsAVX2(&c[0], ldc, rows, cols, bp, step, r, &avx2EdgeMasks[8-cols%8])
}

// epilogueRowsAVX2 adds a bias per row and applies ReLU:
//
//	for i := 0; i < rows; i++ {
//		b := *(*float32)(unsafe.Add(bias, i*biasStep))
//		for j := 0; j < cols; j++ {
//			v := c[i*ldc+j] + b
//			if relu != 0 {
//				v = max(v, 0)
//			}
//			c[i*ldc+j] = v
//		}
//	}
//
//go:noescape
func epilogueRowsAVX2(c *float32, ldc, rows, cols int, bias *float32, biasStep, relu int, mask *int32)
