package quant

import (
	"math"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

func TestAddHandComputed(t *testing.T) {
	a := NewAdd(QParams{Scale: 0.5}, QParams{Scale: 0.25}, QParams{Scale: 1}, false)
	// twice max scale = 1: multipliers 2^30 (shift 0), 2^30 (shift -1), output 2^30 (shift -19).
	if a.in1Mult != 1<<30 || a.in1Shift != 0 || a.in2Mult != 1<<30 || a.in2Shift != -1 || a.outMult != 1<<30 || a.outShift != -19 {
		t.Fatalf("multipliers %+v", a)
	}
	cases := []struct{ x, y, want int8 }{
		{10, 8, 7},     // 5 + 2
		{1, 1, 1},      // 0.75 rounds up
		{-1, -1, -1},   // -0.75 rounds away from zero
		{127, 127, 95}, // 63.5 + 31.75 = 95.25
		{-128, -128, -96},
	}
	for _, c := range cases {
		if got := a.One(c.x, c.y); got != c.want {
			t.Errorf("%d + %d = %d, want %d", c.x, c.y, got, c.want)
		}
	}
	relu := NewAdd(QParams{Scale: 0.5}, QParams{Scale: 0.5}, QParams{Scale: 0.1, Zero: -10}, true)
	if got := relu.One(-10, 0); got != -10 {
		t.Errorf("ReLU add of -5 = %d, want the zero point -10", got)
	}
	if got := relu.One(100, 100); got != 127 {
		t.Errorf("saturating add = %d, want 127", got)
	}
}

// The fixed-point sum must be within one step of the exactly rounded real sum.
func TestAddMatchesRealSum(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		p1 := QParams{Scale: float32(0.001 + rng.Float64()), Zero: int32(rng.Intn(256) - 128)}
		p2 := QParams{Scale: float32(0.001 + rng.Float64()), Zero: int32(rng.Intn(256) - 128)}
		po := QParams{Scale: float32(0.5 * (p1.Scale + p2.Scale) * float32(1+rng.Float64())), Zero: int32(rng.Intn(256) - 128)}
		a := NewAdd(p1, p2, po, false)
		for i := 0; i < 50; i++ {
			x, y := int8(rng.Intn(256)-128), int8(rng.Intn(256)-128)
			real := float64(p1.Dequantize(x)) + float64(p2.Dequantize(y))
			want := math.Max(-128, math.Min(127, math.Round(real/float64(po.Scale))+float64(po.Zero)))
			if got := a.One(x, y); math.Abs(float64(got)-want) > 1 {
				t.Fatalf("%v + %v -> %v: %d + %d = %d, want %g", p1, p2, po, x, y, got, want)
			}
		}
	}
	dst := make([]int8, 3)
	a := NewAdd(QParams{Scale: 0.5}, QParams{Scale: 0.25}, QParams{Scale: 1}, false)
	a.Apply(dst, []int8{10, 1, -1}, []int8{8, 1, -1})
	if dst[0] != 7 || dst[1] != 1 || dst[2] != -1 {
		t.Errorf("Apply = %v", dst)
	}
}

// The table-driven Apply must equal One (kernels' scalar primitives) on
// every pair of int8 inputs.
func TestApplyMatchesOneExhaustive(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	x, y := make([]int8, 1<<16), make([]int8, 1<<16)
	for i := range x {
		x[i], y[i] = int8(i), int8(i>>8)
	}
	dst := make([]int8, len(x))
	for trial := 0; trial < 20; trial++ {
		p1 := QParams{Scale: float32(0.001 + rng.Float64()), Zero: int32(rng.Intn(256) - 128)}
		p2 := QParams{Scale: float32(0.001 + 3*rng.Float64()), Zero: int32(rng.Intn(256) - 128)}
		po := QParams{Scale: float32(0.001 + 2*rng.Float64()), Zero: int32(rng.Intn(256) - 128)}
		a := NewAdd(p1, p2, po, trial%2 == 0)
		a.Apply(dst, x, y)
		for i := range x {
			if want := a.One(x[i], y[i]); dst[i] != want {
				t.Fatalf("%v + %v -> %v: %d + %d = %d, want %d", p1, p2, po, x[i], y[i], dst[i], want)
			}
		}
	}
}

// ApplyUpsampled equals UpsampleNearest followed by Apply.
func TestApplyUpsampled(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	a := NewAdd(QParams{Scale: 0.1, Zero: 3}, QParams{Scale: 0.07, Zero: -9}, QParams{Scale: 0.2, Zero: 1}, false)
	const planes, yh, yw, oh, ow = 3, 3, 5, 7, 9
	x, y := make([]int8, planes*oh*ow), make([]int8, planes*yh*yw)
	for i := range x {
		x[i] = int8(rng.Intn(256))
	}
	for i := range y {
		y[i] = int8(rng.Intn(256))
	}
	up := make([]int8, len(x))
	UpsampleNearest(y, planes, yh, yw, up, oh, ow)
	want := make([]int8, len(x))
	a.Apply(want, x, up)
	rows, cols := make([]int32, oh), make([]int32, ow)
	nearestTable(rows, yh)
	nearestTable(cols, yw)
	a.ApplyUpsampled(x, x, planes, oh, ow, y, yh, yw, rows, cols)
	for i := range want {
		if x[i] != want[i] {
			t.Fatalf("element %d = %d, want %d", i, x[i], want[i])
		}
	}
}

// fixedMul.of equals kernels.MultiplyByQuantizedMultiplier.
func TestFixedMulMatchesKernels(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	for range 200000 {
		mult, shift := kernels.QuantizeMultiplier(math.Exp(rng.Float64()*40 - 30))
		x := int32(rng.Uint32())
		if rng.Intn(2) == 0 {
			x >>= uint(rng.Intn(31))
		}
		f := newFixedMul(mult, shift)
		if got, want := f.of(x), kernels.MultiplyByQuantizedMultiplier(x, mult, shift); got != want {
			t.Fatalf("x %d, multiplier %d, shift %d: %d, want %d", x, mult, shift, got, want)
		}
	}
}
