//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// addInt8AVX2 runs AddInt8 on blocks*8 values:
//
//	for i := 0; i < 8*blocks; i++ {
//		dst[i] = a.one(x[i], y[i], c)
//	}
//
// No multiplier may be MinInt32.
//
//go:noescape
func addInt8AVX2(dst, x, y *int8, blocks int, c *addConsts)

// addInt8AVX512 is addInt8AVX2 on blocks*16 values.
//
//go:noescape
func addInt8AVX512(dst, x, y *int8, blocks int, c *addConsts)

// addTier is the AddInt8 kernel this CPU runs: 512, 256 (AVX2) or 0.
var addTier int

func init() {
	switch {
	case cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW):
		addTier, addLanes = 512, 16
	case cpuid.CPU.Supports(cpuid.AVX2):
		addTier = 256
	}
}

// addInt8Vec runs the CPU's AddInt8 kernel on blocks*addLanes values and
// reports whether it had one.
func addInt8Vec(dst, x, y *int8, blocks int, c *addConsts) bool {
	switch addTier {
	case 512:
		addInt8AVX512(dst, x, y, blocks, c)
	case 256:
		addInt8AVX2(dst, x, y, blocks, c)
	default:
		return false
	}
	return true
}
