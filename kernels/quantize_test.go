package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestQuantizeTiers: every int8 tier gives the reference's bytes for
// lengths around its vector width, on values that hit every branch: ties
// and near-ties either side, both clamps, NaN, infinities, -0 and
// saturation after the zero point; and the reference is floor(r + 0.5)
// computed in float64, the rounding the int8 network was built on.
func TestQuantizeTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	const inv = 1 / float32(0.037)
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		1e9, -1e9, 0.5 / inv, -0.5 / inv, 2.5 / inv, -2.5 / inv, 600 / inv, -600 / inv, 140 / inv, -140 / inv}
	for _, n := range []int{1, 7, 8, 9, 15, 16, 17, 33, 100, 1000} {
		src := make([]float32, n)
		for i := range src {
			switch rng.IntN(4) {
			case 0:
				src[i] = special[rng.IntN(len(special))]
			case 1: // near a tie: (k + 0.5)/inv, a few ulps either way
				r := float32(rng.IntN(400)-200) + 0.5
				src[i] = math.Float32frombits(math.Float32bits(r/inv) + uint32(rng.IntN(5)) - 2)
			default:
				src[i] = float32(rng.NormFloat64() * 5)
			}
		}
		for _, zero := range []int32{0, -11, 100, -128} {
			want := make([]int8, n)
			quantizeGo(want, src, inv, zero)
			for i, v := range src {
				r := float64(v * inv)
				if math.IsNaN(r) {
					r = 0
				}
				q := int32(math.Floor(min(max(r, -512), 512)+0.5)) + zero
				if w := int8(min(max(q, -128), 127)); want[i] != w {
					t.Fatalf("reference: %g with zero %d gives %d, want %d", v, zero, want[i], w)
				}
			}
			for _, im := range int8Tiers {
				got := make([]int8, n)
				im.Quantize(got, src, inv, zero)
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("%s, n %d, zero %d: %g gives %d, reference %d", im.Name, n, zero, src[i], got[i], want[i])
					}
				}
			}
		}
	}
}

// TestQuantizeLengthMismatchPanics: dst and src must be as long.
func TestQuantizeLengthMismatchPanics(t *testing.T) {
	expectOwnPanic(t, "3 outputs for 4 inputs", func() { generic8.Quantize(make([]int8, 3), make([]float32, 4), 1, 0) })
}
