//go:build !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSigmoidNEONAccuracy: within 1e-6 of float64 on a 1e-4 grid over
// [-100, 100] (2M points) and on random values, wide and narrow.
func TestSigmoidNEONAccuracy(t *testing.T) {
	const step = 1e-4
	src := make([]float32, 0, 2_000_001+200_000)
	for i := 0; i <= 2_000_000; i++ {
		src = append(src, float32(-100+float64(i)*step))
	}
	rng := rand.New(rand.NewPCG(31, 32))
	for i := 0; i < 100_000; i++ {
		src = append(src, float32(rng.Float64()*200-100), float32(rng.NormFloat64()*4))
	}
	dst := make([]float32, len(src))
	sigmoidNEON(dst, src)
	worst, at := 0.0, float32(0)
	for i, x := range src {
		want := 1 / (1 + math.Exp(-float64(x)))
		if x < sigmoidFloor {
			want = 0
		}
		if e := math.Abs(float64(dst[i]) - want); e > worst || math.IsNaN(e) {
			worst, at = e, x
		}
	}
	if !(worst <= 1e-6) {
		t.Fatalf("max abs error %g at x = %g", worst, at)
	}
	t.Logf("max abs error %.3g at x = %g over %d values", worst, at, len(src))
}

// TestSigmoidNEONSpecial: exact 0 below -88, exact 1 far above 0, exact 1/2
// at +-0, NaN kept (any payload or sign), and results in [0, 1] at the floor.
func TestSigmoidNEONSpecial(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	negNaN := math.Float32frombits(0xffc00001)
	cases := []struct{ x, want float32 }{
		{-88.00001, 0}, {-89, 0}, {-100, 0}, {-1e30, 0}, {-math.MaxFloat32, 0}, {-inf, 0},
		{17, 1}, {20, 1}, {88, 1}, {100, 1}, {1e30, 1}, {math.MaxFloat32, 1}, {inf, 1},
		{0, 0.5}, {float32(math.Copysign(0, -1)), 0.5},
	}
	src := make([]float32, 0, len(cases)+2)
	for _, c := range cases {
		src = append(src, c.x)
	}
	src = append(src, nan, negNaN)
	dst := make([]float32, len(src))
	sigmoidNEON(dst, src)
	for i, c := range cases {
		if dst[i] != c.want {
			t.Errorf("sigmoid(%g) = %g, want exactly %g", c.x, dst[i], c.want)
		}
	}
	for i := len(cases); i < len(src); i++ {
		if !math.IsNaN(float64(dst[i])) {
			t.Errorf("sigmoid(NaN %#x) = %g, want NaN", math.Float32bits(src[i]), dst[i])
		}
	}
	// Just above the floor the result is tiny but must not be garbage.
	near := []float32{-88, -87.99, -87.5, -87.3, -87}
	out := make([]float32, len(near))
	sigmoidNEON(out, near)
	for i, x := range near {
		if !(out[i] >= 0 && out[i] < 1e-37) {
			t.Errorf("sigmoid(%g) = %g, want in [0, 1e-37)", x, out[i])
		}
	}
}

// TestSigmoidNEONLengths: every length 0..67, dst inside guard bands, both
// alone and aliasing src; a value gives the same bits whether it lands in
// the 8-wide loop, the 4-wide block or the buffered tail.
func TestSigmoidNEONLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	const pad = 9
	for n := 0; n <= 67; n++ {
		src := make([]float32, n)
		for i := range src {
			src[i] = float32(rng.NormFloat64() * 12)
		}
		if n > 0 {
			src[n-1] = float32(math.NaN()) // the last value, in the tail when n%4 != 0
		}
		buf := make([]float32, n+2*pad)
		for i := range buf {
			buf[i] = neonSentinel
		}
		dst := buf[pad : pad+n]
		neonTier.Sigmoid(dst, src)
		for i := range buf {
			if (i < pad || i >= pad+n) && buf[i] != neonSentinel {
				t.Fatalf("length %d: wrote outside dst at %d", n, i-pad)
			}
		}
		for i, x := range src {
			var one [1]float32
			sigmoidNEON(one[:], []float32{x})
			if math.Float32bits(dst[i]) != math.Float32bits(one[0]) {
				t.Fatalf("length %d: sigmoid(%g) at %d = %g, alone %g", n, x, i, dst[i], one[0])
			}
			if x == x && math.Abs(float64(dst[i])-1/(1+math.Exp(-float64(x)))) > 1e-6 {
				t.Fatalf("length %d: sigmoid(%g) = %g", n, x, dst[i])
			}
		}
		alias := make([]float32, n+2*pad)
		for i := range alias {
			alias[i] = neonSentinel
		}
		inout := alias[pad : pad+n]
		copy(inout, src)
		neonTier.Sigmoid(inout, inout)
		for i := range alias {
			if i < pad || i >= pad+n {
				if alias[i] != neonSentinel {
					t.Fatalf("length %d aliased: wrote outside at %d", n, i-pad)
				}
			} else if math.Float32bits(alias[i]) != math.Float32bits(dst[i-pad]) {
				t.Fatalf("length %d aliased: %g at %d, want %g", n, alias[i], i-pad, dst[i-pad])
			}
		}
	}
}

// BenchmarkSigmoidNEON: one detection head's logits per call (4096 values).
func BenchmarkSigmoidNEON(b *testing.B) {
	src := randSlice(rand.New(rand.NewPCG(35, 36)), 4096)
	for i := range src {
		src[i] *= 20
	}
	dst := make([]float32, len(src))
	b.SetBytes(int64(4 * len(src)))
	for i := 0; i < b.N; i++ {
		sigmoidNEON(dst, src)
	}
}
