package preprocess

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactFMA32 rounds x*y+z to float32 once, via exact big.Float arithmetic.
func exactFMA32(x, y, z float32) float32 {
	var p, s big.Float
	p.SetPrec(200).Mul(big.NewFloat(float64(x)).SetPrec(200), big.NewFloat(float64(y)).SetPrec(200))
	s.SetPrec(200).Add(&p, big.NewFloat(float64(z)).SetPrec(200))
	f, _ := s.Float32() // nearest, ties to even, handles subnormals
	return f
}

func checkFMA(t *testing.T, x, y, z float32) {
	t.Helper()
	got, want := fma32(x, y, z), exactFMA32(x, y, z)
	if math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
		t.Fatalf("fma32(%g, %g, %g) = %g (%#x), want %g (%#x)", x, y, z, got, math.Float32bits(got), want, math.Float32bits(want))
	}
}

func TestFMA32Random(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		x := float32(r.NormFloat64() * 3)
		y := r.Float32()
		z := float32(r.NormFloat64() * 3)
		checkFMA(t, x, y, z)
	}
}

// TestFMA32Ties builds sums that lie within a float64 half-ulp of a point
// halfway between two float32s without being on it: rounding to float64
// then to float32 would land on the tie and break it the wrong way half
// of the time, so only the nudge gets these right.
func TestFMA32Ties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	hits := 0
	for range 200000 {
		x := float32(1 + float64(r.Uint32()>>8)/(1<<24))
		y := float32(1 + float64(r.Uint32()>>8)/(1<<24))
		xy := float64(x) * float64(y) // exact, in [1, 4)
		e := math.Ilogb(xy)
		ulp := math.Ldexp(1, e-23)
		tie := math.Floor(xy/ulp)*ulp + ulp/2 // a float32 halfway point
		d := xy - tie                         // exact, few bits
		if d == 0 || math.Abs(d) >= math.Ldexp(1, e-32) {
			continue
		}
		// Off the tie by a quarter of a float64 ulp.
		eps := math.Ldexp(1, e-54)
		if r.IntN(2) == 0 {
			eps = -eps
		}
		z := float32(-d + eps)
		if float64(z) != -d+eps || xy+float64(z) != tie {
			t.Fatalf("bad tie construction x=%g y=%g", x, y)
		}
		hits++
		checkFMA(t, x, y, z)
		checkFMA(t, -x, y, -z)
	}
	if hits < 500 {
		t.Fatalf("only %d tie cases built", hits)
	}
}

func TestFMA32Special(t *testing.T) {
	tiny := math.Float32frombits(1) // smallest subnormal
	cases := [][3]float32{
		{0, 0, 0}, {1, 1, -1}, {tiny, 0.5, 0}, {tiny, 1.5, 0}, {tiny, 0.5, tiny},
		{math.MaxFloat32, 2, -math.MaxFloat32}, {1e-30, 1e-10, 1e-45}, {3, 1e-20, -3e-20},
		{float32(math.Inf(1)), 1, 0}, {1 << 20, 1 << 20, 1},
	}
	for _, c := range cases {
		checkFMA(t, c[0], c[1], c[2])
	}
	if !math.IsNaN(float64(fma32(float32(math.NaN()), 1, 0))) {
		t.Fatal("NaN did not propagate")
	}
	// Subnormal results around random points on the subnormal grid.
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		x := math.Float32frombits(r.Uint32() & 0x007fffff)
		y := float32(0.25 + r.Float64())
		z := -math.Float32frombits(r.Uint32() & 0x007fffff)
		checkFMA(t, x, y, z)
	}
}
