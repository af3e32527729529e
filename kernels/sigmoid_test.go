package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func sigmoid64(x float32) float64 { return 1 / (1 + math.Exp(-float64(x))) }

// TestSigmoidTiers: every tier within 1e-6 of float64 over [-100, 100],
// exact 0 and 1 far out, NaN kept, every length 0..67 with guard bands,
// and dst may alias src.
func TestSigmoidTiers(t *testing.T) {
	var grid []float32
	for x := -100.0; x <= 100; x += 0.00731 {
		grid = append(grid, float32(x))
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for i := 0; i < 10000; i++ {
		grid = append(grid, float32(rng.NormFloat64()*8))
	}
	grid = append(grid, 0, -0, 1e-30, -1e-30, -88, -87.9, 88, 16.7, 17, -17)
	for _, im := range tiers {
		got := make([]float32, len(grid))
		im.Sigmoid(got, grid)
		worst := 0.0
		for i, x := range grid {
			if e := math.Abs(float64(got[i]) - sigmoid64(x)); e > worst {
				worst = e
				if e > 1e-6 {
					t.Fatalf("%s: sigmoid(%g) = %g, want %g (error %g)", im.Name, x, got[i], sigmoid64(x), e)
				}
			}
		}
		special := []float32{-100, -89, -1e30, float32(math.Inf(-1)), 100, 30, 1e30, float32(math.Inf(1)), float32(math.NaN())}
		want := []float32{0, 0, 0, 0, 1, 1, 1, 1, float32(math.NaN())}
		out := make([]float32, len(special))
		im.Sigmoid(out, special)
		for i := range special {
			if out[i] != want[i] && !(math.IsNaN(float64(out[i])) && math.IsNaN(float64(want[i]))) {
				t.Errorf("%s: sigmoid(%g) = %g, want exactly %g", im.Name, special[i], out[i], want[i])
			}
		}
		for n := 0; n <= 67; n++ {
			src := randSlice(rng, n)
			for i := range src {
				src[i] *= 20
			}
			buf := make([]float32, n+16)
			for i := range buf {
				buf[i] = guard
			}
			dst := buf[8 : 8+n]
			im.Sigmoid(dst, src)
			for i := range buf {
				if (i < 8 || i >= 8+n) && buf[i] != guard {
					t.Fatalf("%s: length %d: wrote outside dst at %d", im.Name, n, i-8)
				}
			}
			alias := append([]float32(nil), src...)
			im.Sigmoid(alias, alias)
			for i := range dst {
				if dst[i] != alias[i] {
					t.Fatalf("%s: length %d: aliased result differs at %d", im.Name, n, i)
				}
			}
		}
		t.Logf("%s: max abs error %.3g", im.Name, worst)
	}
}

func TestSigmoidLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic on mismatched lengths")
		}
	}()
	Sigmoid(make([]float32, 3), make([]float32, 4))
}

func TestElementwise(t *testing.T) {
	nan := float32(math.NaN())
	x := []float32{-2, 0, 3, nan, -0.5}
	ReLU(x)
	if x[0] != 0 || x[1] != 0 || x[2] != 3 || !math.IsNaN(float64(x[3])) || x[4] != 0 {
		t.Fatalf("ReLU: %v", x)
	}
	a, b := []float32{1, -5, 2}, []float32{2, 3, -4}
	dst := make([]float32, 3)
	Add(dst, a, b)
	if dst[0] != 3 || dst[1] != -2 || dst[2] != -2 {
		t.Fatalf("Add: %v", dst)
	}
	AddReLU(dst, a, b)
	if dst[0] != 3 || dst[1] != 0 || dst[2] != 0 {
		t.Fatalf("AddReLU: %v", dst)
	}
}
