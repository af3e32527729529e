package quant

import (
	"github.com/retina-edge/retina/kernels"
	"math"
	"math/rand"
	"testing"
)

func TestActivationParamsHandComputed(t *testing.T) {
	cases := []struct {
		min, max float64
		scale    float64
		zero     int32
	}{
		{-1, 3, 4.0 / 255, -64}, // zero from min: -128 + 63.75 = -64.25 -> -64
		{0, 6, 6.0 / 255, -128}, // post-ReLU range: zero at the bottom
		{2, 5, 5.0 / 255, -128}, // widened to hold 0
		{-6, 0, 6.0 / 255, 127}, // all negative: zero at the top
		{-2, 2, 4.0 / 255, -1},  // -128 + 127.5 = -0.5 rounds away from zero
		{0, 0, 1, 0},            // all zeros
	}
	for _, c := range cases {
		p, err := ActivationParams(c.min, c.max)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(p.Scale)-c.scale) > 1e-7 || p.Zero != c.zero {
			t.Errorf("[%g,%g]: got scale %g zero %d, want %g %d", c.min, c.max, p.Scale, p.Zero, c.scale, c.zero)
		}
		if p.Dequantize(p.Quantize(0)) != 0 {
			t.Errorf("[%g,%g]: 0 is not exact", c.min, c.max)
		}
	}
}

func TestActivationParamsRejectsBadRanges(t *testing.T) {
	for _, r := range [][2]float64{{1, -1}, {math.NaN(), 1}, {0, math.Inf(1)}} {
		if _, err := ActivationParams(r[0], r[1]); err == nil {
			t.Errorf("range %v accepted", r)
		}
	}
}

func TestQuantizeSaturates(t *testing.T) {
	p := QParams{Scale: 0.5, Zero: 10}
	if got := p.Quantize(1000); got != 127 {
		t.Errorf("Quantize(1000) = %d", got)
	}
	if got := p.Quantize(-1000); got != -128 {
		t.Errorf("Quantize(-1000) = %d", got)
	}
	if got := p.Quantize(1.26); got != 13 { // 2.52 -> 3, +10
		t.Errorf("Quantize(1.26) = %d", got)
	}
	if lo, hi := p.ReluRange(); lo != 10 || hi != 127 {
		t.Errorf("ReluRange = %d %d", lo, hi)
	}
}

func TestQuantizeWeightsHandComputed(t *testing.T) {
	w := []float32{0.5, -1.27, 0, 0.01, 0, 0}
	q, s, err := QuantizeWeights(w, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	wantQ := []int8{50, -127, 0, 127, 0, 0}
	for i := range wantQ {
		if q[i] != wantQ[i] {
			t.Fatalf("q = %v, want %v", q, wantQ)
		}
	}
	if math.Abs(float64(s[0])-0.01) > 1e-9 || math.Abs(float64(s[1])*127/0.01-1) > 1e-6 || s[2] != 1 {
		t.Errorf("scales = %v", s)
	}
	if _, _, err := QuantizeWeights(w, 4, 2); err == nil {
		t.Error("size mismatch accepted")
	}
	if _, _, err := QuantizeWeights([]float32{float32(math.NaN())}, 1, 1); err == nil {
		t.Error("NaN weight accepted")
	}
}

func TestQuantizeBiasFoldsZeroPoint(t *testing.T) {
	// round(1 / (0.5 * 0.01)) = 200; -3 * (50 - 127) = 231.
	got, err := QuantizeBias([]float32{1}, QParams{Scale: 0.5, Zero: 3}, []float32{0.01}, []int8{50, -127}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 431 {
		t.Errorf("bias = %d, want 431", got[0])
	}
	if _, err := QuantizeBias([]float32{1e9}, QParams{Scale: 1e-6, Zero: 0}, []float32{1e-6}, []int8{1}, 1); err == nil {
		t.Error("int32 overflow accepted")
	}
}

// quantizeInto is Quantize but for ties, which it rounds up.
func TestQuantizeIntoMatchesQuantize(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	p := QParams{Scale: 0.037, Zero: -11}
	src := make([]float32, 100000)
	for i := range src {
		src[i] = float32(rng.NormFloat64() * 3)
	}
	src = append(src, 1e9, -1e9, 0, p.Scale*2.5, -p.Scale*2.5)
	for _, im := range kernels.Int8Tiers() {
		testQuantizeInto(t, im, src, p)
	}
}

func testQuantizeInto(t *testing.T, im *kernels.Int8Impl, src []float32, p QParams) {
	dst := make([]int8, len(src))
	quantizeInto(im, dst, src, p)
	for i, v := range src {
		want := p.Quantize(v)
		r := float64(v) / float64(p.Scale)
		if tie := math.Abs(r-math.Trunc(r)) == 0.5; tie && r < 0 {
			want++
		}
		if d := int(dst[i]) - int(want); d != 0 && (d > 1 || d < -1 || math.Abs(math.Abs(r-math.Floor(r))-0.5) > 1e-4) {
			t.Fatalf("%s: %g: quantizeInto %d, Quantize %d", im.Name, v, dst[i], want)
		}
	}
}
