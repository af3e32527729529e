//go:build !purego

package kernels

import (
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// asmTiers returns the amd64 assembly tiers this CPU can run, so that every
// test below exercises exactly the kernels the dispatcher may pick.
func asmTiers() []*Impl {
	var out []*Impl
	for _, im := range Tiers() {
		if im != generic {
			out = append(out, im)
		}
	}
	return out
}

// TestAmd64Dispatch checks that each tier is offered exactly when the CPU has
// its features, best first.
func TestAmd64Dispatch(t *testing.T) {
	var want []*Impl
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL) {
		want = append(want, avx512Tier)
	}
	if cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3) {
		want = append(want, avx2Tier)
	}
	got := asmTiers()
	if len(got) != len(want) {
		t.Fatalf("tiers %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("tiers %v, want %v", got, want)
		}
	}
	for _, im := range []*Impl{avx2Tier, avx512Tier} {
		if im.MC%im.MR != 0 || im.NC%im.NR != 0 || im.KC <= 0 {
			t.Errorf("%s: blocking MC=%d NC=%d KC=%d is not a multiple of the %dx%d tile",
				im.Name, im.MC, im.NC, im.KC, im.MR, im.NR)
		}
	}
}
