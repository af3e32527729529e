//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// avx512vnniInt8 runs the 6x64 VPDPBUSD micro-kernel (the float avx512
// tile's shape: 24 ZMM accumulators, 4 B vectors). MC covers 330 rows of A;
// B panels hold the whole K.
var avx512vnniInt8 = &Int8Impl{
	Name: "avx512vnni",
	MR:   6, NR: 64,
	MC: 330, NC: 2048,
	offsetB: true,
	tile:    int8Tile6x64VNNI,
	requant: requantAVX512, rqLanes: 1,
}

// int8Tile6x64VNNI computes a 6x64 int32 tile from packed panels; B bytes
// are read as unsigned (x^0x80), so each sum is 128*rowsum(A) too high.
//
//go:noescape
func int8Tile6x64VNNI(groups int, a, b *int8, c *int32, ldc int)

// requantAVX512 requantizes rows x n int32 values (row stride lds) of a
// finished tile into int8 C (row stride ldd), any n (masked tail):
//
//	for r := 0; r < rows; r++ {
//		requantRowGo(dst[r*ldd:r*ldd+n], src[r*lds:r*lds+n], &rp[r], rqClamp{lo, hi, zero})
//	}
//
// Rows whose multiplier is MinInt32 (the saturating case) must take the Go
// loop.
//
//go:noescape
func requantAVX512(dst *int8, ldd int, src *int32, lds, rows, n int, rp *rqRow, lo, hi, zero int32)

// requantAVX2 is requantAVX512 in AVX2 for n a multiple of 8.
//
//go:noescape
func requantAVX2(dst *int8, ldd int, src *int32, lds, rows, n int, rp *rqRow, lo, hi, zero int32)

// archInt8Tiers returns the amd64 int8 tiers this CPU supports, best first.
func archInt8Tiers() []*Int8Impl {
	var out []*Int8Impl
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI) {
		out = append(out, avx512vnniInt8)
	}
	return out
}

// packB8Quad interleaves four rows of B into column words, 16 columns at a
// time (SSE2, which every amd64 has).
//
//go:noescape
func packB8Quad(dst *uint32, b *int8, ldb int, n16 int, flip uint32)

func init() { packB8QuadFn = packB8Quad }
