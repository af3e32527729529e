package quant

import (
	"bytes"
	"strings"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net/safetensors"
)

func testConv(t *testing.T) (*Conv, kernels.ConvShape) {
	s := kernels.ConvShape{C: 2, H: 4, W: 4, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1}
	w := make([]float32, 3*s.ColRows())
	for i := range w {
		w[i] = float32(i%7) - 3
	}
	c, err := QuantizeConv(s, 3, w, []float32{1, -2, 0.5}, QParams{Scale: 0.1, Zero: -5}, QParams{Scale: 0.3, Zero: 7}, true)
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

func TestConvFileRoundTrip(t *testing.T) {
	c, s := testConv(t)
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, map[string]string{"format": FormatTag}, c.Tensors("head.cls")); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadConv(f, "head.cls", s, 3, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.In != c.In || got.Out != c.Out || !bytes.Equal(i8bytes(got.Weights), i8bytes(c.Weights)) {
		t.Fatalf("round trip changed the conv: %+v vs %+v", got, c)
	}
	for i := range c.Bias {
		if got.Bias[i] != c.Bias[i] || got.WScales[i] != c.WScales[i] || got.rq.Multiplier[i] != c.rq.Multiplier[i] || got.rq.Shift[i] != c.rq.Shift[i] {
			t.Fatalf("channel %d differs after the round trip", i)
		}
	}
	if got.rq.Min != c.rq.Min || got.rq.Min != 7 {
		t.Errorf("ReLU clamp %d, want the output zero point 7", got.rq.Min)
	}
}

func i8bytes(x []int8) []byte {
	b := make([]byte, len(x))
	for i, v := range x {
		b[i] = byte(v)
	}
	return b
}

func TestReadConvMissingOrWrong(t *testing.T) {
	c, s := testConv(t)
	for _, drop := range []string{"weight", "weight_scale", "bias", "act_scale", "act_zero"} {
		var kept []safetensors.Tensor
		for _, tn := range c.Tensors("x") {
			if tn.Name != "x."+drop {
				kept = append(kept, tn)
			}
		}
		var buf bytes.Buffer
		if err := safetensors.Write(&buf, nil, kept); err != nil {
			t.Fatal(err)
		}
		f, _ := safetensors.Parse(buf.Bytes())
		_, err := ReadConv(f, "x", s, 3, false)
		if err == nil || !strings.Contains(err.Error(), "x."+drop+" missing") {
			t.Errorf("without x.%s: error %v", drop, err)
		}
	}
	// Wrong channel count: the weight tensor's size no longer fits.
	var buf bytes.Buffer
	_ = safetensors.Write(&buf, nil, c.Tensors("x"))
	f, _ := safetensors.Parse(buf.Bytes())
	if _, err := ReadConv(f, "x", s, 4, false); err == nil || !strings.Contains(err.Error(), "x.weight") {
		t.Errorf("wrong channel count: error %v", err)
	}
}
