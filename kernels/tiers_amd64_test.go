//go:build !purego

package kernels

import (
	"fmt"
	"os"
	"testing"

	"github.com/klauspost/cpuid/v2"
)

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

// TestAmd64Int8Dispatch checks that each int8 tier is offered exactly when
// the CPU has its features, best first, that RETINA_KERNELS=avx2 selects
// the VPMADDWD tier, and prints the tiers this run covered.
func TestAmd64Int8Dispatch(t *testing.T) {
	want := []*Int8Impl{}
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI) {
		want = append(want, avx512vnniInt8)
	}
	if cpuid.CPU.Supports(cpuid.AVX2) {
		want = append(want, avx2Int8)
		if got := chooseInt8("avx2"); got != avx2Int8 {
			t.Errorf("RETINA_KERNELS=avx2 gives int8 tier %s", got.Name)
		}
	}
	want = append(want, generic8)
	got := Int8Tiers()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("int8 tiers %v, want %v", got, want)
	}
	if ActiveInt8() != chooseInt8(os.Getenv("RETINA_KERNELS")) {
		t.Errorf("active int8 tier %s does not follow RETINA_KERNELS", ActiveInt8().Name)
	}
	fmt.Printf("int8 tiers on this CPU: %v (AVX512VNNI %v)\n", got, cpuid.CPU.Supports(cpuid.AVX512VNNI))
}
