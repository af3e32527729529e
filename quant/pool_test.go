package quant

import "testing"

func TestUpsampleNearestHandComputed(t *testing.T) {
	// 2x2 -> 3x5: rows 0,0,1 (floor(y*2/3)); cols floor(x*0.4) = 0,0,0,1,1.
	src := []int8{1, 2, 3, 4}
	dst := make([]int8, 15)
	UpsampleNearest(src, 1, 2, 2, dst, 3, 5)
	want := []int8{1, 1, 1, 2, 2, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("upsample = %v, want %v", dst, want)
		}
	}
}
