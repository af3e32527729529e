//go:build unix

package cputime

import "testing"

func TestProcessAdvances(t *testing.T) {
	before := Process()
	x := 0
	for i := 0; Process()-before < 1e6 && i < 1e9; i++ {
		x += i
	}
	if after := Process(); after <= before {
		t.Fatalf("CPU time did not advance: %v then %v (x=%d)", before, after, x)
	}
}
