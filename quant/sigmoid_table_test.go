package quant

import (
	"math"
	"testing"

	"github.com/retina-edge/retina/net/preprocess"
)

// The heads dequantize the class logits' int32 sums and take a float
// sigmoid. The other way, TFLite's, requantizes the logits to int8 and
// reads the score from a 256-entry sigmoid table: cheaper, but the logits
// lose precision to the int8 step: the table adds a logit rounding error of
// up to half a step (range/255) on top of the int8 error, so in principle
// dequantizing loses less. Measured on the golden model the difference
// hides in the int8 error of the logits themselves: mean score errors
// 0.0119 either way on astronaut, 0.0436 on coffee; the table alone moves
// a score by 0.0013-0.0018.
func TestSigmoidTableVsDequantize(t *testing.T) {
	float, q := goldenInt8(t)
	cfg := float.Config()
	for _, b := range goldenBars {
		img, err := preprocess.DecodeFile(b.photo, 1<<24)
		if err != nil {
			t.Fatal(err)
		}
		pre := preprocess.NewPreprocessor(cfg.MinSize, cfg.MaxSize, cfg.ImageMean, cfg.ImageStd)
		g, _ := pre.GeometryFor(img.Bounds().Dx(), img.Bounds().Dy())
		x := make([]float32, 3*g.PaddedH*g.PaddedW)
		if _, err := pre.Run(img, x); err != nil {
			t.Fatal(err)
		}
		fh, err := float.Forward(1, g.PaddedH, g.PaddedW, x)
		if err != nil {
			t.Fatal(err)
		}
		ql, err := q.Heads(g.PaddedH, g.PaddedW, x)
		if err != nil {
			t.Fatal(err)
		}
		// The table's int8 logit parameters: the float logits' own range
		// on this image (generous: calibration would only widen it).
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, h := range fh {
			for _, v := range h.ClassLogits.Data {
				lo, hi = min(lo, float64(v)), max(hi, float64(v))
			}
		}
		p, err := ActivationParams(lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		var table [256]float64
		for v := -128; v < 128; v++ {
			table[uint8(v)] = sigmoid(p.Dequantize(int8(v)))
		}
		var n int
		var deqErr, tabErr, extra float64
		for l, h := range fh {
			for i, v := range h.ClassLogits.Data {
				fs := sigmoid(v)
				if fs < 0.05 {
					continue
				}
				n++
				il := ql[l].Logits[i]
				deqErr += math.Abs(sigmoid(il) - fs)
				ts := table[uint8(p.Quantize(il))]
				tabErr += math.Abs(ts - fs)
				extra += math.Abs(ts - sigmoid(il))
			}
		}
		deqErr, tabErr, extra = deqErr/float64(n), tabErr/float64(n), extra/float64(n)
		t.Logf("%s: %d scores >= 0.05: mean |score error| dequantize+sigmoid %.5f, int8 table %.5f (logit step %.3f; the table alone moves a score by %.5f)",
			b.photo, n, deqErr, tabErr, p.Scale, extra)
		// The table's own rounding moves a score by at most a quarter (the
		// sigmoid's slope) of half a step, and by something on average.
		if n < 100 || extra <= 0 || extra > float64(p.Scale)/8 {
			t.Errorf("%s: the table moves scores by %.5f on average over %d scores (step %g)", b.photo, extra, n, p.Scale)
		}
	}
}
