package quant

import (
	"math"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// A level whose activations are tiny (P7 of an untrained model) has a tiny
// input scale: its bias would overflow int32, so the weight scale of the
// channel, shared by the levels, is raised until it fits (TFLite does
// the same), and every level's bias still dequantizes to the float one.
func TestLevelConvBiasFitsTinyInputScale(t *testing.T) {
	s := kernels.ConvShape{C: 2, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1}
	w := make([]float32, 2*s.ColRows())
	for i := range w {
		w[i] = 0.01 * float32(i%5-2)
	}
	b := []float32{-4.6, 0.3}
	var in, out [net.NumLevels]QParams
	for l := range net.NumLevels {
		in[l], out[l] = QParams{Scale: 0.1, Zero: -128}, QParams{Scale: 0.2}
	}
	in[4].Scale = 1e-5 // 4.6 / (1e-5 * 0.02/127) is 2.9e9 steps
	if _, err := QuantizeBias(b, in[4], []float32{0.02 / 127, 0.02 / 127}, make([]int8, 2*s.ColRows()), s.ColRows()); err == nil {
		t.Fatal("the test's bias fits without raising the weight scale")
	}
	lc, err := quantizeLevelConv(s, 2, w, b, in, out, false)
	if err != nil {
		t.Fatal(err)
	}
	ws := lc[0].WScales
	if ws[0] <= 0.02/127 || ws[1] > 0.0201/127 {
		t.Errorf("weight scales %v: want channel 0 raised, channel 1 kept at max|w|/127", ws)
	}
	for l, c := range lc {
		if &c.WScales[0] != &ws[0] || c.packed != lc[0].packed {
			t.Errorf("%s does not share the weights", net.LevelName(l))
		}
		for ch, v := range b {
			var sum int64
			for _, q := range c.Weights[ch*s.ColRows() : (ch+1)*s.ColRows()] {
				sum += int64(q)
			}
			got := float64(int64(c.Bias[ch])+int64(c.In.Zero)*sum) * float64(c.AccScale(ch))
			if math.Abs(got-float64(v)) > 0.51*float64(c.AccScale(ch))+1e-6*math.Abs(float64(v)) || math.Abs(float64(c.Bias[ch])) > 1<<31-1<<28 {
				t.Errorf("%s channel %d: bias %d is %g, want %g", net.LevelName(l), ch, c.Bias[ch], got, v)
			}
		}
	}
}
