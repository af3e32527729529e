//go:build !purego

package kernels

//go:generate go run asmgen_amd64.go

// avx2Tier runs the 6x16 AVX2+FMA micro-kernel: 12 YMM accumulators.
var avx2Tier = &Impl{
	Name: "avx2",
	MR:   6, NR: 16,
	KC: 256, MC: 144, NC: 2048,
	sgemmTile: sgemm6x16AVX2,
	sigmoid:   sigmoidAVX2,
}

// avx512Tier runs the 14x32 AVX-512F micro-kernel: 28 ZMM accumulators.
var avx512Tier = &Impl{
	Name: "avx512",
	MR:   14, NR: 32,
	KC: 256, MC: 280, NC: 2048,
	sgemmTile: sgemm14x32AVX512,
	sigmoid:   sigmoidAVX512,
}

// sgemm6x16AVX2 computes a 6x16 tile of C from packed panels:
//
//	for i := 0; i < 6; i++ {
//		for j := 0; j < 16; j++ {
//			var s float32
//			for p := 0; p < kc; p++ {
//				s += a[p*6+i] * b[p*16+j] // fused multiply-add
//			}
//			if accumulate != 0 {
//				c[i*ldc+j] += s
//			} else {
//				c[i*ldc+j] = s
//			}
//		}
//	}
//
//go:noescape
func sgemm6x16AVX2(kc int, a, b, c *float32, ldc int, accumulate int)

// sgemm14x32AVX512 computes a 14x32 tile of C from packed panels:
//
//	for i := 0; i < 14; i++ {
//		for j := 0; j < 32; j++ {
//			var s float32
//			for p := 0; p < kc; p++ {
//				s += a[p*14+i] * b[p*32+j] // fused multiply-add
//			}
//			if accumulate != 0 {
//				c[i*ldc+j] += s
//			} else {
//				c[i*ldc+j] = s
//			}
//		}
//	}
//
//go:noescape
func sgemm14x32AVX512(kc int, a, b, c *float32, ldc int, accumulate int)
