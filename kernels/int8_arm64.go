//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

//go:generate go run asmgen8_arm64.go

// neondotInt8 runs the 8x12 SDOT micro-kernel (the float neon tile's
// shape): 24 accumulators, 16 multiply-adds per instruction. Blocking as
// the float neon tier's: MC rows of A (whole K) and a B panel share L2.
var neondotInt8 = &Int8Impl{
	Name: "neondot", level: "neon",
	MR: 8, NR: 12,
	MC: 128, NC: 384,
	tile:    int8Tile8x12SDOT,
	requant: requantNEON, rqLanes: 4,
	bias:     biasNEON,
	quantize: quantizeNEON, qLanes: 8,

	gatherEven: gatherEven8Asm,
	maxBytes:   maxBytesNEON, pool3s2: pool3s2NEON,
	packB8Groups: packB8Groups,
}

// neonInt8 runs the 4x8 SMULL/SMLAL + SADALP micro-kernel for ASIMD
// without the dot product (Cortex-A72, Raspberry Pi 4). The paired kernel
// sums two products in an int16, exact unless A holds -128; PackA8 notes
// that and the driver then runs the exact one.
var neonInt8 = &Int8Impl{
	Name: "neon", level: "neon",
	MR: 4, NR: 8,
	MC: 128, NC: 384,
	tile:      int8Tile4x8NEON,
	tileExact: int8Tile4x8NEONExact,
	requant:   requantNEON, rqLanes: 4,
	bias:     biasNEON,
	quantize: quantizeNEON, qLanes: 8,

	gatherEven: gatherEven8Asm,
	maxBytes:   maxBytesNEON, pool3s2: pool3s2NEON,
	packB8Groups: packB8Groups,
}

// int8Tile8x12SDOT computes an 8x12 int32 tile from packed panels:
//
//	for i := 0; i < 8; i++ {
//		for j := 0; j < 12; j++ {
//			var s int32
//			for g := 0; g < groups; g++ {
//				for t := 0; t < 4; t++ {
//					s += int32(a[g*32+i*4+t]) * int32(b[g*48+j*4+t])
//				}
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
//go:noescape
func int8Tile8x12SDOT(groups int, a, b *int8, c *int32, ldc int)

// int8Tile4x8NEON computes a 4x8 int32 tile from packed panels; A must not
// hold -128 (two products share an int16 before widening):
//
//	for i := 0; i < 4; i++ {
//		for j := 0; j < 8; j++ {
//			var s int32
//			for g := 0; g < groups; g++ {
//				for t := 0; t < 4; t++ {
//					s += int32(a[g*16+i*4+t]) * int32(b[g*32+j*4+t])
//				}
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
//go:noescape
func int8Tile4x8NEON(groups int, a, b *int8, c *int32, ldc int)

// int8Tile4x8NEONExact is int8Tile4x8NEON for any A, each product widened
// on its own.
//
//go:noescape
func int8Tile4x8NEONExact(groups int, a, b *int8, c *int32, ldc int)

// requantNEON requantizes rows x n int32 values (row stride lds) of a
// finished tile into int8 C (row stride ldd), n a multiple of 4:
//
//	for r := 0; r < rows; r++ {
//		requantRowGo(dst[r*ldd:r*ldd+n], src[r*lds:r*lds+n], &rp[r], rqClamp{lo, hi, zero})
//	}
//
//go:noescape
func requantNEON(dst *int8, ldd int, src *int32, lds, rows, n int, rp *rqRow, lo, hi, zero int32)

// gatherEven8 copies every other byte, 16 per block:
//
//	for i := 0; i < 16*blocks; i++ {
//		dst[i] = src[2*i]
//	}
//
//go:noescape
func gatherEven8(dst, src *int8, blocks int)

// biasNEON adds each row's constant to rows x n int32 values, n a
// multiple of 4:
//
//	for r := 0; r < rows; r++ {
//		for c := 0; c < n; c++ {
//			dst[r*ldd+c] = src[r*lds+c] + rp[r].add
//		}
//	}
//
//go:noescape
func biasNEON(dst *int32, ldd int, src *int32, lds, rows, n int, rp *rqRow)

// packB8Groups packs whole groups of four rows of B, 8 or 4 columns per
// step:
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

// gatherEven8Asm is the neon tiers' gatherEven.
func gatherEven8Asm(dst, src []int8) { gatherEven8Blocks(dst, src, gatherEven8) }

// archInt8Tiers returns the arm64 int8 tiers, best first: neondot when the
// CPU reports ASIMDDP (SDOT; Cortex-A76, Raspberry Pi 5), then neon.
func archInt8Tiers() []*Int8Impl {
	var out []*Int8Impl
	if !cpuid.CPU.Supports(cpuid.ASIMD) {
		return nil
	}
	if HasDotProduct() {
		out = append(out, neondotInt8)
	}
	return append(out, neonInt8)
}
