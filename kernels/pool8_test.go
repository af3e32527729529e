package kernels

import (
	"math/rand/v2"
	"testing"
)

// TestMaxPool3x3s2Int8 checks the pool against its definition (a 3x3
// window at stride 2 from (-1, -1), the outside ignored) on sizes around
// the vector steps, with a guard past the output.
func TestMaxPool3x3s2Int8(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	sizes := []int{1, 2, 3, 4, 5, 6, 7, 33, 34, 35, 36, 65, 66, 67, 80, 99}
	for trial := 0; trial < 120; trial++ {
		planes, h, w := 1+rng.IntN(3), sizes[rng.IntN(len(sizes))], sizes[rng.IntN(len(sizes))]
		src := make([]int8, planes*h*w)
		fill8(rng, src, []string{"random", "mixed", "min"}[rng.IntN(3)])
		oh, ow := PoolSize(h), PoolSize(w)
		im := Int8Tiers()[trial%len(Int8Tiers())]
		dst := make([]int8, planes*oh*ow+1)
		dst[len(dst)-1] = guard8
		MaxPool3x3s2Int8(im, src, planes, h, w, dst[:planes*oh*ow], make([]int8, w))
		for p := 0; p < planes; p++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					want := int8(-128)
					for y := 2*oy - 1; y <= 2*oy+1; y++ {
						for x := 2*ox - 1; x <= 2*ox+1; x++ {
							if y >= 0 && y < h && x >= 0 && x < w {
								want = max(want, src[(p*h+y)*w+x])
							}
						}
					}
					if got := dst[(p*oh+oy)*ow+ox]; got != want {
						t.Fatalf("%d planes %dx%d: out[%d][%d][%d] = %d, want %d", planes, h, w, p, oy, ox, got, want)
					}
				}
			}
		}
		if dst[len(dst)-1] != guard8 {
			t.Fatalf("%dx%d: wrote past the output", h, w)
		}
	}
}

// BenchmarkMaxPool3x3s2Int8 pools ResNet's stem output at 320 (64 planes
// of 160x160) on the active int8 tier, one thread.
func BenchmarkMaxPool3x3s2Int8(b *testing.B) {
	src := make([]int8, 64*160*160)
	fill8(rand.New(rand.NewPCG(7, 8)), src, "random")
	dst := make([]int8, 64*80*80)
	rowMax := make([]int8, 160)
	for b.Loop() {
		MaxPool3x3s2Int8(ActiveInt8(), src, 64, 160, 160, dst, rowMax)
	}
}
