//go:build !purego

package kernels

// maxBytesSSE2 is maxBytes on blocks*16 values:
//
//	for i := 0; i < 16*blocks; i++ {
//		dst[i] = max(a[i], b[i])
//	}
//
//go:noescape
func maxBytesSSE2(dst, a, b *int8, blocks int)

// pool3s2SSE2 is the stride-2 three-tap max of MaxPool3x3s2Int8:
//
//	for i := 0; i < 16*blocks; i++ {
//		dst[i] = max(p[2*i], p[2*i+1], p[2*i+2])
//	}
//
//go:noescape
func pool3s2SSE2(dst, p *int8, blocks int)
