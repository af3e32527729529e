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

func init() {
	switch {
	case cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW):
		addInt8Fn, addLanes = addInt8AVX512, 16
	case cpuid.CPU.Supports(cpuid.AVX2):
		addInt8Fn = addInt8AVX2
	}
}
