package quant

import (
	"math"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

// floatConv is a direct (slow, obviously right) convolution of one CHW image.
func floatConv(s kernels.ConvShape, outC int, w, b, x []float32, relu bool) []float32 {
	oh, ow := s.OutH(), s.OutW()
	out := make([]float32, outC*oh*ow)
	for o := 0; o < outC; o++ {
		for y := 0; y < oh; y++ {
			for xx := 0; xx < ow; xx++ {
				sum := float64(b[o])
				for c := 0; c < s.C; c++ {
					for ky := 0; ky < s.KH; ky++ {
						for kx := 0; kx < s.KW; kx++ {
							iy, ix := y*s.StrideH-s.PadH+ky*s.DilH, xx*s.StrideW-s.PadW+kx*s.DilW
							if iy < 0 || ix < 0 || iy >= s.H || ix >= s.W {
								continue
							}
							sum += float64(w[((o*s.C+c)*s.KH+ky)*s.KW+kx]) * float64(x[(c*s.H+iy)*s.W+ix])
						}
					}
				}
				if relu && sum < 0 {
					sum = 0
				}
				out[(o*oh+y)*ow+xx] = float32(sum)
			}
		}
	}
	return out
}

func rangeOf(x []float32) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
	}
	return lo, hi
}

func TestConvCloseToFloat(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	s := kernels.ConvShape{C: 5, H: 7, W: 6, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1}
	outC, k := 9, s.ColRows()
	w, b, x := make([]float32, outC*k), make([]float32, outC), make([]float32, s.C*s.H*s.W)
	for i := range w {
		w[i] = float32(rng.NormFloat64() * 0.2)
	}
	for i := range b {
		b[i] = float32(rng.NormFloat64() * 0.1)
	}
	for i := range x {
		x[i] = float32(rng.Float64()*3 - 0.5)
	}
	in, _ := ActivationParams(rangeOf(x))
	xq := make([]int8, len(x))
	xd := make([]float32, len(x))
	for i, v := range x {
		xq[i] = in.Quantize(v)
		xd[i] = in.Dequantize(xq[i])
	}
	e := kernels.NewEngine(kernels.Active(), 1)
	defer e.Close()
	for _, relu := range []bool{false, true} {
		ref := floatConv(s, outC, w, b, x, relu)
		out, _ := ActivationParams(rangeOf(ref))
		c, err := QuantizeConv(s, outC, w, b, in, out, relu)
		if err != nil {
			t.Fatal(err)
		}
		dst, col := make([]int8, c.OutSize()), make([]int8, c.ColSize())
		c.Run(e, xq, dst, col)
		got := make([]float32, len(dst))
		for i, q := range dst {
			got[i] = out.Dequantize(q)
			if relu && got[i] < 0 {
				t.Fatalf("ReLU output %g < 0", got[i])
			}
		}
		if db := SQNR(ref, got); db < 30 {
			t.Errorf("relu=%v: SQNR %.1f dB < 30", relu, db)
		} else {
			t.Logf("relu=%v: int8 conv SQNR %.1f dB", relu, db)
		}
		// Run must equal RunAcc's accumulators requantized by the spec, bit for bit.
		n := s.OutH() * s.OutW()
		acc := make([]int32, outC*n)
		c.RunAcc(e, xq, acc, col)
		for o := 0; o < outC; o++ {
			for j := 0; j < n; j++ {
				want := c.rq.OutZero + kernels.MultiplyByQuantizedMultiplier(acc[o*n+j], c.rq.Multiplier[o], c.rq.Shift[o])
				want = max(int32(c.rq.Min), min(int32(c.rq.Max), want))
				if int32(dst[o*n+j]) != want {
					t.Fatalf("channel %d pixel %d: Run %d, requantized RunAcc %d", o, j, dst[o*n+j], want)
				}
			}
		}
		if !relu {
			deq := make([]float32, len(acc))
			for i, a := range acc {
				deq[i] = float32(a) * c.AccScale(i/n)
			}
			if db := SQNR(ref, deq); db < 35 {
				t.Errorf("accumulator SQNR %.1f dB < 35", db)
			}
		}
	}
}

func TestNewConvRejectsBadSizes(t *testing.T) {
	s := kernels.ConvShape{C: 1, H: 2, W: 2, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1}
	p := QParams{Scale: 1}
	if _, err := NewConv(s, 2, p, p, false, []int8{1}, []float32{1, 1}, []int32{0, 0}); err == nil {
		t.Error("short weights accepted")
	}
	if _, err := NewConv(s, 1, QParams{}, p, false, []int8{1}, []float32{1}, []int32{0}); err == nil {
		t.Error("zero input scale accepted")
	}
}
