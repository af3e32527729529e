package kernels

import (
	"math"
	"testing"
)

func TestQuantizeMultiplier(t *testing.T) {
	cases := []struct {
		real  float64
		mult  int32
		shift int
	}{
		{0, 0, 0},
		{0.5, 1 << 30, 0},
		{1, 1 << 30, 1},
		{0.25, 1 << 30, -1},
		{0.75, 3 << 29, 0},
		{3, 3 << 29, 2},
		// frexp(0.1) = 0.8 * 2^-3; round(0.8 * 2^31) = 1717986918.
		{0.1, 1717986918, -3},
		// Rounds up to 2^31: halved, exponent + 1.
		{1 - 1e-12, 1 << 30, 1},
		{1e-12, 0, 0},
	}
	for _, c := range cases {
		m, s := QuantizeMultiplier(c.real)
		if m != c.mult || s != c.shift {
			t.Errorf("QuantizeMultiplier(%g) = %d, %d; want %d, %d", c.real, m, s, c.mult, c.shift)
		}
	}
}

func TestSaturatingRoundingDoublingHighMul(t *testing.T) {
	cases := []struct{ a, b, want int32 }{
		{math.MinInt32, math.MinInt32, math.MaxInt32},
		{1 << 30, 1 << 30, 1 << 29}, // 2*2^60/2^32 = 2^29
		{100, 1 << 30, 50},          // 2*100*2^30/2^32 = 50
		{3, 1 << 30, 2},             // 1.5 rounds away from zero
		{-3, 1 << 30, -1},           // -1.5: the nudge rounds ties upward
		{5, 1 << 29, 1},             // 1.25 -> 1
		{math.MaxInt32, math.MaxInt32, 2147483646},
		{math.MinInt32, math.MaxInt32, -2147483647},
		{0, 12345, 0},
	}
	for _, c := range cases {
		if got := SaturatingRoundingDoublingHighMul(c.a, c.b); got != c.want {
			t.Errorf("SRDHM(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestRoundingDivideByPOT(t *testing.T) {
	cases := []struct {
		x    int32
		exp  int
		want int32
	}{
		{5, 0, 5}, {5, 1, 3}, {-5, 1, -3}, {4, 1, 2}, {6, 2, 2}, {-6, 2, -2},
		{7, 2, 2}, {-7, 2, -2}, {5, 2, 1}, {-5, 2, -1},
		{math.MaxInt32, 31, 1}, {math.MinInt32, 31, -1}, {math.MinInt32, 1, -(1 << 30)},
	}
	for _, c := range cases {
		if got := RoundingDivideByPOT(c.x, c.exp); got != c.want {
			t.Errorf("RDBPOT(%d, %d) = %d, want %d", c.x, c.exp, got, c.want)
		}
	}
}

func TestMultiplyByQuantizedMultiplier(t *testing.T) {
	cases := []struct {
		x, mult int32
		shift   int
		want    int32
	}{
		{1000, 1 << 30, 0, 500},           // * 0.5
		{1000, 1 << 30, -1, 250},          // * 0.25
		{1000, 1 << 30, 1, 1000},          // * 1
		{1000, 3 << 29, 2, 3000},          // * 3
		{-999, 1 << 30, -2, -125},         // SRDHM -499.5 -> -499, then -124.75 -> -125
		{10, 1717986918, -3, 1},           // 10 * 0.1 = 1
		{15, 1 << 30, -1, 4},              // SRDHM 7.5 -> 8, then 8/2 = 4 (double rounding)
		{-15, 1 << 30, -1, -4},            // SRDHM -7.5 -> -7, then -3.5 -> -4 (away from zero)
		{6, 1 << 30, -2, 1},               // 3 / 4 = 0.75 -> 1
		{-10, 1 << 30, -2, -1},            // -5 / 4 = -1.25 -> -1
		{1 << 28, 1 << 30, 3, -(1 << 30)}, // 2^28 << 3 wraps to MinInt32 (left shift first), then * 0.5
		{1000, 1 << 30, 3, 4000},
	}
	for _, c := range cases {
		if got := MultiplyByQuantizedMultiplier(c.x, c.mult, c.shift); got != c.want {
			t.Errorf("MBQM(%d, %d, %d) = %d, want %d", c.x, c.mult, c.shift, got, c.want)
		}
	}
}
