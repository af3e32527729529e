//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// archTiers returns the amd64 tiers this CPU supports, best first:
// AVX-512F+BW+VL -> avx512, AVX2+FMA3 -> avx2.
func archTiers() []*Impl {
	var out []*Impl
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL) && avx512 != nil {
		out = append(out, avx512)
	}
	if cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3) && avx2 != nil {
		out = append(out, avx2)
	}
	return out
}

// Features describes the CPU features that matter to retina's tiers.
func Features() string {
	return featureList(map[string]bool{
		"AVX2": cpuid.CPU.Supports(cpuid.AVX2), "FMA3": cpuid.CPU.Supports(cpuid.FMA3),
		"AVX512F": cpuid.CPU.Supports(cpuid.AVX512F), "AVX512BW": cpuid.CPU.Supports(cpuid.AVX512BW),
		"AVX512VL": cpuid.CPU.Supports(cpuid.AVX512VL), "AVX512VNNI": cpuid.CPU.Supports(cpuid.AVX512VNNI),
	})
}

// The assembly tiers; set by the files that declare their kernels.
var avx2, avx512 = avx2Tier, avx512Tier
