package quant

import (
	"math/rand"
	"testing"
)

func TestMaxPoolHandComputed(t *testing.T) {
	// 3x4 plane -> 2x2; windows rows {0,1},{1,2} x cols {0,1},{1,2,3}.
	src := []int8{
		1, -5, 7, 2,
		-128, 3, -1, 9,
		4, 0, -7, 6,
	}
	dst := make([]int8, 4)
	MaxPool3x3s2(src, 1, 3, 4, dst)
	want := []int8{3, 9, 4, 9}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("pool = %v, want %v", dst, want)
		}
	}
	all := []int8{-128, -128, -128, -128}
	MaxPool3x3s2(all, 1, 2, 2, dst[:1])
	if dst[0] != -128 {
		t.Errorf("all -128 pooled to %d", dst[0])
	}
}

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

// MaxPool3x3s2 against the definition on odd and even sizes.
func TestMaxPoolMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, hw := range [][2]int{{1, 1}, {1, 2}, {2, 1}, {3, 3}, {5, 8}, {8, 5}, {9, 11}, {16, 16}, {7, 33}, {20, 34}, {3, 35}, {11, 64}, {5, 161}} {
		h, w := hw[0], hw[1]
		src := make([]int8, 2*h*w)
		for i := range src {
			src[i] = int8(rng.Intn(256))
		}
		oh, ow := PoolSize(h), PoolSize(w)
		dst := make([]int8, 2*oh*ow)
		MaxPool3x3s2(src, 2, h, w, dst)
		for p := range 2 {
			for oy := range oh {
				for ox := range ow {
					m := int8(-128)
					for y := max(0, 2*oy-1); y < min(h, 2*oy+2); y++ {
						for x := max(0, 2*ox-1); x < min(w, 2*ox+2); x++ {
							m = max(m, src[(p*h+y)*w+x])
						}
					}
					if got := dst[(p*oh+oy)*ow+ox]; got != m {
						t.Fatalf("%dx%d plane %d (%d,%d) = %d, want %d", h, w, p, oy, ox, got, m)
					}
				}
			}
		}
	}
}

// maxBytes is the lane-wise signed max: every pair in every lane, and
// lanes that differ from each other.
func TestMaxBytes(t *testing.T) {
	for a := -128; a < 128; a++ {
		for b := -128; b < 128; b++ {
			x := uint64(uint8(int8(a))) * 0x0101010101010101
			y := uint64(uint8(int8(b))) * 0x0101010101010101
			if got := int8(uint8(maxBytes(x, y) >> 40)); got != int8(max(a, b)) {
				t.Fatalf("max(%d, %d) = %d", a, b, got)
			}
		}
	}
	rng := rand.New(rand.NewSource(6))
	for range 10000 {
		x, y := rng.Uint64(), rng.Uint64()
		got := maxBytes(x, y)
		for lane := range 8 {
			want := max(int8(x>>(8*lane)), int8(y>>(8*lane)))
			if int8(got>>(8*lane)) != want {
				t.Fatalf("maxBytes(%#x, %#x) lane %d = %d, want %d", x, y, lane, int8(got>>(8*lane)), want)
			}
		}
	}
}
