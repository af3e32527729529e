package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomAdd draws AddInt8 constants: half as quant's ADD makes them (left
// shift 20, scales within a few times of each other), half anywhere in
// the ranges the kernels accept.
func randomAdd(rng *rand.Rand) *AddInt8 {
	a := &AddInt8{Offset1: int32(rng.IntN(256) - 127), Offset2: int32(rng.IntN(256) - 127),
		OutZero: int32(rng.IntN(256) - 128), Min: -128, Max: 127, LeftShift: 20}
	if rng.IntN(2) == 0 {
		s1, s2, so := 0.01+rng.Float64(), 0.01+rng.Float64(), 0.01+rng.Float64()
		twice := 2 * max(s1, s2)
		a.Mult1, a.Shift1 = QuantizeMultiplier(s1 / twice)
		a.Mult2, a.Shift2 = QuantizeMultiplier(s2 / twice)
		a.MultOut, a.ShiftOut = QuantizeMultiplier(twice / (float64(int(1)<<20) * so))
	} else {
		pick := func() (int32, int) {
			m := int32(rng.Uint32())
			if m == math.MinInt32 {
				m++
			}
			return m, rng.IntN(62) - 31
		}
		a.Mult1, a.Shift1 = pick()
		a.Mult2, a.Shift2 = pick()
		a.MultOut, a.ShiftOut = pick()
		a.LeftShift = rng.IntN(32)
	}
	if rng.IntN(3) == 0 {
		a.Min = int8(a.OutZero) // fused ReLU
	}
	return a
}

// TestAddInt8 checks Apply (vector kernels and Go tail) against the scalar
// definition on every length up to 70, with guard bytes, in place too.
func TestAddInt8(t *testing.T) { checkAddInt8(t) }

// checkAddInt8 runs AddInt8 on the current kernel against the formula, on
// odd lengths with guard bands, and in place.
func checkAddInt8(t *testing.T) {
	t.Helper()
	rng := rand.New(rand.NewPCG(21, 22))
	for trial := 0; trial < 300; trial++ {
		a := randomAdd(rng)
		n := rng.IntN(71)
		x, y := make([]int8, n), make([]int8, n)
		fill8(rng, x, []string{"random", "mixed"}[rng.IntN(2)])
		fill8(rng, y, "random")
		const pad = 5
		buf := make([]int8, n+2*pad)
		for i := range buf {
			buf[i] = guard8
		}
		dst := buf[pad : pad+n]
		a.Apply(dst, x, y)
		c := a.consts()
		for i := range dst {
			s1 := MultiplyByQuantizedMultiplier((int32(x[i])+a.Offset1)<<uint(a.LeftShift), a.Mult1, a.Shift1)
			s2 := MultiplyByQuantizedMultiplier((int32(y[i])+a.Offset2)<<uint(a.LeftShift), a.Mult2, a.Shift2)
			o := int64(MultiplyByQuantizedMultiplier(s1+s2, a.MultOut, a.ShiftOut)) + int64(a.OutZero)
			want := int8(min(max(o, int64(a.Min)), int64(a.Max)))
			if dst[i] != want || a.one(x[i], y[i], &c) != want {
				t.Fatalf("%+v: x %d y %d: got %d, want %d", *a, x[i], y[i], dst[i], want)
			}
		}
		for i := 0; i < pad; i++ {
			if buf[i] != guard8 || buf[len(buf)-1-i] != guard8 {
				t.Fatalf("n %d: wrote outside dst", n)
			}
		}
		want := append([]int8(nil), dst...)
		a.Apply(x, x, y) // in place
		for i := range x {
			if x[i] != want[i] {
				t.Fatalf("%+v: in place, [%d] = %d, want %d", *a, i, x[i], want[i])
			}
		}
	}
}

func TestAddInt8Saturating(t *testing.T) {
	a := &AddInt8{Mult1: math.MinInt32, Mult2: 1 << 30, MultOut: math.MinInt32, LeftShift: 31, Min: -128, Max: 127}
	x := []int8{1, -1, 0, 1, 1, 1, 1, 1, 1, -128}
	y := make([]int8, len(x))
	dst := make([]int8, len(x))
	a.Apply(dst, x, y)
	c := a.consts()
	for i := range x {
		if want := a.one(x[i], y[i], &c); dst[i] != want {
			t.Fatalf("x %d: got %d, want %d", x[i], dst[i], want)
		}
	}
}

func TestAddInt8BadConstants(t *testing.T) {
	for name, a := range map[string]AddInt8{
		"shift":      {Shift1: 31, Max: 1},
		"left shift": {LeftShift: 32, Max: 1},
		"zero point": {OutZero: 200, Max: 1},
		"clamp":      {Min: 2, Max: 1},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			a.Apply(make([]int8, 3), make([]int8, 3), make([]int8, 3))
		}()
	}
}

// TestAddInt8NoAllocs: the constants handed to the kernel stay on the stack.
func TestAddInt8NoAllocs(t *testing.T) {
	a := randomAdd(rand.New(rand.NewPCG(3, 4)))
	a.Mult1, a.Mult2, a.MultOut = 1<<30, 1<<30, 1<<30
	x, y, dst := make([]int8, 100), make([]int8, 100), make([]int8, 100)
	if n := testing.AllocsPerRun(50, func() { a.Apply(dst, x, y) }); n != 0 {
		t.Fatalf("AddInt8.Apply: %v allocations per call, want 0", n)
	}
}
