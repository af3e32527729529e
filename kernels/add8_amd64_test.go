//go:build !purego

package kernels

import (
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// TestAddInt8AVX2 runs the AVX2 kernel on a CPU that would pick AVX-512.
func TestAddInt8AVX2(t *testing.T) {
	if !cpuid.CPU.Supports(cpuid.AVX2) {
		t.Skip("no AVX2 on this CPU")
	}
	tier, lanes := addTier, addLanes
	defer func() { addTier, addLanes = tier, lanes }()
	addTier, addLanes = 256, 8
	checkAddInt8(t)
}
