//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

//go:generate go run asmgen8_amd64.go

// avx512vnniInt8 runs the 6x64 VPDPBUSD micro-kernel (the float avx512
// tile's shape: 24 ZMM accumulators, 4 B vectors). MC covers 330 rows of A;
// B panels hold the whole K.
var avx512vnniInt8 = &Int8Impl{
	Name: "avx512vnni", level: "avx512",
	MR: 6, NR: 64,
	MC: 330, NC: 2048,
	offsetB:    true,
	tile:       int8Tile6x64VNNI,
	narrow:     []func(int, *int8, *int8, *int32, int){int8Tile6x16VNNI, int8Tile6x32VNNI, int8Tile6x48VNNI},
	narrowStep: 16,
	tile16:     []func(int, *int16, *int16, *int32, int){int16Tile6x16VNNI, int16Tile6x32VNNI, int16Tile6x48VNNI, int16Tile6x64VNNI},
	wino8Input: wino8InputAVX512, wino8Weights: wino8WeightsAVX512, wino8Output: wino8OutputAVX512, wino8OutputQ: wino8OutputQAVX512, wino8OutputQLanes: wino8OutputQLanesAVX512, wino8PlaceF: wino8PlaceFAVX512,
	requant: requantAVX512, rqLanes: 1,
	bias:     biasAVX512,
	quantize: quantizeAVX512, qLanes: 16,

	gatherEven: gatherEven8Asm, gatherEvenRows: gatherEvenRows8AVX512,
	maxBytes: maxBytesSSE2, pool3s2: pool3s2SSE2,
	packB8Groups: packB8Groups,
}

// avx2Int8 runs the 6x8 VPMADDWD micro-kernel for AVX2 CPUs without VNNI:
// 12 YMM accumulators (two partial sums per column), B sign-extended to
// int16 as it is loaded, A packed as int16 once.
var avx2Int8 = &Int8Impl{
	Name: "avx2", level: "avx2",
	MR: 6, NR: 8,
	MC: 330, NC: 2048,
	wideA:   true,
	tile:    int8Tile6x8AVX2,
	requant: requantAVX2, rqLanes: 8,
	bias:     biasAVX2,
	quantize: quantizeAVX2, qLanes: 8,

	gatherEven: gatherEven8Asm,
	maxBytes:   maxBytesSSE2, pool3s2: pool3s2SSE2,
	packB8Groups: packB8Groups,
}

// int8Tile6x64VNNI computes a 6x64 int32 tile from packed panels; B bytes
// are read as unsigned (x^0x80), so each sum is 128*rowsum(A) too high:
//
//	for i := 0; i < 6; i++ {
//		for j := 0; j < 64; j++ {
//			var s int32
//			for g := 0; g < groups; g++ {
//				for t := 0; t < 4; t++ {
//					s += int32(a[g*24+i*4+t]) * int32(uint8(b[g*256+j*4+t]))
//				}
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
//go:noescape
func int8Tile6x64VNNI(groups int, a, b *int8, c *int32, ldc int)

// int8Tile6x16VNNI, int8Tile6x32VNNI and int8Tile6x48VNNI are
// int8Tile6x64VNNI for the first 16, 32 and 48 columns of the same 64-wide
// panels (j < 16, 32, 48 in its loop), for the edge tiles of C.
//
//go:noescape
func int8Tile6x16VNNI(groups int, a, b *int8, c *int32, ldc int)

//go:noescape
func int8Tile6x32VNNI(groups int, a, b *int8, c *int32, ldc int)

//go:noescape
func int8Tile6x48VNNI(groups int, a, b *int8, c *int32, ldc int)

// int8Tile6x8AVX2 computes a 6x8 int32 tile from packed panels, A as
// int16 (little-endian byte pairs):
//
//	for i := 0; i < 6; i++ {
//		for j := 0; j < 8; j++ {
//			var s int32
//			for g := 0; g < groups; g++ {
//				for t := 0; t < 4; t++ {
//					s += int32(int16(uint16(uint8(a[g*48+i*8+2*t])) | uint16(a[g*48+i*8+2*t+1])<<8)) * int32(b[g*32+j*4+t])
//				}
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
//go:noescape
func int8Tile6x8AVX2(groups int, a, b *int8, c *int32, ldc int)

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

// biasAVX512 adds each row's constant to rows x n int32 values, any n
// (masked tail):
//
//	for r := 0; r < rows; r++ {
//		for c := 0; c < n; c++ {
//			dst[r*ldd+c] = src[r*lds+c] + rp[r].add
//		}
//	}
//
//go:noescape
func biasAVX512(dst *int32, ldd int, src *int32, lds, rows, n int, rp *rqRow)

// biasAVX2 is biasAVX512 in AVX2 for n a multiple of 8.
//
//go:noescape
func biasAVX2(dst *int32, ldd int, src *int32, lds, rows, n int, rp *rqRow)

// archInt8Tiers returns the amd64 int8 tiers this CPU supports, best first:
// AVX-512 F+BW+VL with VNNI -> avx512vnni, AVX2 -> avx2.
func archInt8Tiers() []*Int8Impl {
	var out []*Int8Impl
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI) {
		if !cpuid.CPU.Supports(cpuid.AVX512VBMI) {
			// VNNI without VBMI (Cascade Lake): no byte permutes for the
			// fused Winograd output; the unfused one serves.
			avx512vnniInt8.wino8OutputQ, avx512vnniInt8.wino8OutputQLanes = nil, nil
		}
		out = append(out, avx512vnniInt8)
	}
	if cpuid.CPU.Supports(cpuid.AVX2) {
		out = append(out, avx2Int8)
	}
	return out
}

// gatherEven8 copies every other byte, 16 per block:
//
//	for i := 0; i < 16*blocks; i++ {
//		dst[i] = src[2*i]
//	}
//
//go:noescape
func gatherEven8(dst, src *int8, blocks int)

// packB8Groups packs whole groups of four rows of B, 16, 8 or 4 columns
// per step (SSE2, which every amd64 has):
//
//	for g := 0; g < groups; g++ {
//		for c := 0; c < n4*4; c++ {
//			dst[g*nr+c] = (uint32(uint8(b[4g*ldb+c])) | uint32(uint8(b[(4g+1)*ldb+c]))<<8 |
//				uint32(uint8(b[(4g+2)*ldb+c]))<<16 | uint32(uint8(b[(4g+3)*ldb+c]))<<24) ^ flip
//		}
//	}
//
//go:noescape
func packB8Groups(dst *uint32, b *int8, ldb, groups, n4, nr int, flip uint32)

// gatherEvenRows8 copies every other byte of rows rows (n >= 1), 32 a
// block, reading and writing nothing past a row's last value:
//
//	for r := 0; r < rows; r++ {
//		for i := 0; i < n; i++ {
//			dst[r*ldd+i] = src[r*lds+2*i]
//		}
//	}
//
//go:noescape
func gatherEvenRows8(dst *int8, ldd int, src *int8, lds, n, rows int)

// gatherEvenRows8AVX512 is the AVX-512 tiers' gatherEvenRows.
func gatherEvenRows8AVX512(dst []int8, ldd int, src []int8, lds, n, rows int) {
	if n < 1 || rows < 1 {
		return
	}
	_ = dst[(rows-1)*ldd+n-1]
	_ = src[(rows-1)*lds+2*(n-1)]
	gatherEvenRows8(&dst[0], ldd, &src[0], lds, n, rows)
}

// gatherEven8Asm is the asm tiers' gatherEven.
func gatherEven8Asm(dst, src []int8) { gatherEven8Blocks(dst, src, gatherEven8) }
