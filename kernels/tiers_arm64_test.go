//go:build !purego

package kernels

import (
	"fmt"
	"testing"
)

// TestArm64Int8Dispatch checks that neondot is offered exactly when the CPU
// reports ASIMDDP (Cortex-A76 yes, A72 no), ahead of neon, that
// RETINA_KERNELS=neon selects the plain NEON int8 tier, and prints the
// tiers this run covered.
func TestArm64Int8Dispatch(t *testing.T) {
	want := []*Int8Impl{neonInt8, generic8}
	if HasDotProduct() {
		want = append([]*Int8Impl{neondotInt8}, want...)
	}
	got := Int8Tiers()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("int8 tiers %v, want %v", got, want)
	}
	if c := chooseInt8("neon"); c != neonInt8 {
		t.Errorf("RETINA_KERNELS=neon gives int8 tier %s", c.Name)
	}
	for _, im := range got[:len(got)-1] {
		if im.MC%im.MR != 0 || im.NC%im.NR != 0 || im.NR%im.rqLanes != 0 {
			t.Errorf("%s: MC=%d NC=%d rqLanes=%d do not fit the %dx%d tile", im.Name, im.MC, im.NC, im.rqLanes, im.MR, im.NR)
		}
	}
	fmt.Printf("int8 tiers on this CPU: %v (ASIMDDP %v)\n", got, HasDotProduct())
}
