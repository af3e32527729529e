//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// archTiers returns the arm64 tiers: ASIMD -> neon.
func archTiers() []*Impl {
	if cpuid.CPU.Supports(cpuid.ASIMD) && neon != nil {
		return []*Impl{neon}
	}
	return nil
}

// HasDotProduct reports ASIMDDP (SDOT/UDOT), which the int8 neondot tier needs.
func HasDotProduct() bool { return cpuid.CPU.Supports(cpuid.ASIMDDP) }

// Features describes the CPU features that matter to retina's tiers.
func Features() string {
	return featureList(map[string]bool{
		"ASIMD": cpuid.CPU.Supports(cpuid.ASIMD), "ASIMDDP": cpuid.CPU.Supports(cpuid.ASIMDDP),
	})
}

// The assembly tier, declared with its kernels in sgemm_arm64.go.
var neon = neonTier
