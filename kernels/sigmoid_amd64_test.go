//go:build !purego

package kernels

import (
	"math"
	"math/rand"
	"testing"
)

// sigmoidRef is the float64 truth the assembly is held to, with the
// contract's floor: exactly 0 below sigmoidFloor.
func sigmoidRef(x float32) float64 {
	if x < sigmoidFloor {
		return 0
	}
	return 1 / (1 + math.Exp(-float64(x)))
}

// TestSigmoidAsmAccuracy: within 1e-6 of float64 on a dense grid over
// [-100, 100], around the floor (where results are denormal) and on random
// values; never negative, never above 1.
func TestSigmoidAsmAccuracy(t *testing.T) {
	var xs []float32
	for i := -1_000_000; i <= 1_000_000; i += 7 {
		xs = append(xs, float32(i)*1e-4)
	}
	for x := float32(-88.5); x < -86; x = math.Nextafter32(x, 0) {
		xs = append(xs, x)
		if len(xs)%3 == 0 {
			x += 1e-4
		}
	}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 20000; i++ {
		xs = append(xs, float32(rng.NormFloat64()*10), float32(rng.Float64()*200-100))
	}
	for _, im := range asmTiers() {
		got := make([]float32, len(xs))
		im.sigmoid(got, xs)
		worst, at := 0.0, float32(0)
		for i, x := range xs {
			y := float64(got[i])
			if !(y >= 0 && y <= 1) {
				t.Fatalf("%s: sigmoid(%g) = %g, outside [0, 1]", im.Name, x, y)
			}
			if e := math.Abs(y - sigmoidRef(x)); e > worst {
				worst, at = e, x
			}
		}
		if worst > 1e-6 {
			t.Errorf("%s: max abs error %.3g at x = %g, want <= 1e-6", im.Name, worst, at)
		}
		t.Logf("%s: max abs error %.3g at x = %g over %d values", im.Name, worst, at, len(xs))
	}
}

// TestSigmoidAsmSpecial: exact 0 below the floor and exact 1 far above 0,
// NaN in gives NaN out, infinities saturate; each value in every lane.
func TestSigmoidAsmSpecial(t *testing.T) {
	inf := float32(math.Inf(1))
	cases := []struct {
		x, want float32
	}{
		{-88.0001, 0}, {-89, 0}, {-100, 0}, {-1e30, 0}, {-math.MaxFloat32, 0}, {-inf, 0},
		{20, 1}, {25, 1}, {88, 1}, {100, 1}, {1e30, 1}, {math.MaxFloat32, 1}, {inf, 1},
		{0, 0.5}, {float32(math.Copysign(0, -1)), 0.5},
	}
	nan := float32(math.NaN())
	for _, im := range asmTiers() {
		for _, tc := range cases {
			for lane := 0; lane < 17; lane++ {
				src := make([]float32, 17)
				src[lane] = tc.x
				dst := make([]float32, 17)
				im.sigmoid(dst, src)
				if dst[lane] != tc.want {
					t.Fatalf("%s: sigmoid(%g) in lane %d = %g, want exactly %g", im.Name, tc.x, lane, dst[lane], tc.want)
				}
			}
		}
		for lane := 0; lane < 17; lane++ {
			src := make([]float32, 17)
			src[lane] = nan
			src[(lane+1)%17] = -nan
			dst := make([]float32, 17)
			im.sigmoid(dst, src)
			for i, y := range dst {
				isNaN := math.IsNaN(float64(y))
				if wantNaN := i == lane || i == (lane+1)%17; isNaN != wantNaN || (!isNaN && y != 0.5) {
					t.Fatalf("%s: NaN in lane %d: dst[%d] = %g", im.Name, lane, i, y)
				}
			}
		}
	}
}

// TestSigmoidAsmLengths: every length 0..67 (full vectors plus every tail),
// dst inside guard bands that must stay untouched, and dst aliasing src.
func TestSigmoidAsmLengths(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	const lead, trail = 3, 21
	for _, im := range asmTiers() {
		for n := 0; n <= 67; n++ {
			src := make([]float32, n)
			for i := range src {
				src[i] = float32(rng.NormFloat64() * 12)
			}
			buf := make([]float32, lead+n+trail)
			for i := range buf {
				buf[i] = tileSentinel
			}
			dst := buf[lead : lead+n : lead+n]
			im.sigmoid(dst, src)
			for i, v := range buf {
				if (i < lead || i >= lead+n) && v != tileSentinel {
					t.Fatalf("%s: length %d: wrote %g outside dst at %d", im.Name, n, v, i-lead)
				}
			}
			for i, x := range src {
				if e := math.Abs(float64(dst[i]) - sigmoidRef(x)); e > 1e-6 {
					t.Fatalf("%s: length %d: dst[%d] = sigmoid(%g) = %g, error %g", im.Name, n, i, x, dst[i], e)
				}
			}
			alias := append([]float32(nil), src...)
			im.sigmoid(alias, alias)
			for i := range alias {
				if alias[i] != dst[i] {
					t.Fatalf("%s: length %d: in-place result differs at %d: %g vs %g", im.Name, n, i, alias[i], dst[i])
				}
			}
		}
	}
}

// BenchmarkSigmoidTiers reports each tier's sigmoid throughput.
func BenchmarkSigmoidTiers(b *testing.B) {
	src := make([]float32, 1<<14+7)
	rng := rand.New(rand.NewSource(5))
	for i := range src {
		src[i] = float32(rng.NormFloat64() * 8)
	}
	dst := make([]float32, len(src))
	for _, im := range append(asmTiers(), generic) {
		b.Run(im.Name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(src)))
			for i := 0; i < b.N; i++ {
				im.sigmoid(dst, src)
			}
		})
	}
}
