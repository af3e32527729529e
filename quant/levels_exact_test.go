package quant

import (
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/net"
)

// The all-levels heads (one im2col over every level's columns, one GEMM
// per level) equal each level run alone through its own convs, bit for
// bit: kernels' im2col padded with the level's zero point, Conv.Run with
// the level's requantization, and for GroupNorm layers and the output
// convs the level's accumulators dequantized with its own scales.
func TestHeadsPerLevelMatchLevelsAlone(t *testing.T) {
	_, m1 := spreadModel(t)
	_, m2 := calibratedGolden(t, "../testdata/golden/bottleneck_v2.safetensors", RuleMinMax, 2, 128, 160)
	for _, m := range []*Model{m1, m2} {
		img := randomImage(rand.New(rand.NewSource(4)), 128, 160)
		levels, err := m.Heads(img.H, img.W, img.Data)
		if err != nil {
			t.Fatal(err)
		}
		p, f := m.plan, m.cfg.FPNWidth
		for l := range net.NumLevels {
			h, w := p.levelH[l], p.levelW[l]
			hw := h * w
			x := make([]int8, f*hw)
			for ch := range f {
				copy(x[ch*hw:(ch+1)*hw], p.pyramid[ch*p.total+p.off[l]:])
			}
			cls := levelAlone(m, m.cls, l, x, h, w)
			box := levelAlone(m, m.box, l, x, h, w)
			for i, v := range cls {
				if levels[l].Logits[i] != v {
					t.Fatalf("%s %s logit %d: %g, alone %g", m.cfg.Backbone, net.LevelName(l), i, levels[l].Logits[i], v)
				}
			}
			for i, v := range box {
				if levels[l].Deltas[i] != v {
					t.Fatalf("%s %s delta %d: %g, alone %g", m.cfg.Backbone, net.LevelName(l), i, levels[l].Deltas[i], v)
				}
			}
		}
	}
}

// levelAlone runs head hd on level l's h x w map x with that level's convs.
func levelAlone(m *Model, hd qhead, l int, x []int8, h, w int) []float32 {
	hw := h * w
	at := func(c *Conv) *Conv {
		cc := *c
		cc.Shape.H, cc.Shape.W = h, w
		return &cc
	}
	for _, tl := range hd.tower {
		c := at(tl.conv[l])
		out, col := make([]int8, c.OutSize()), make([]int8, c.ColSize())
		if tl.gamma == nil {
			c.Run(m.engine, x, out, col)
		} else {
			acc, norm := make([]int32, len(out)), make([]float32, len(out))
			c.RunAcc(m.engine, x, acc, col)
			for ch := range c.OutC {
				dequantize(norm[ch*hw:(ch+1)*hw], acc[ch*hw:(ch+1)*hw], c.AccScale(ch))
			}
			groupNormReLU(norm, hw, 0, hw, c.OutC, tl.gamma, tl.beta)
			quantizeInto(m.engine.Int8Impl(), out, norm, c.Out)
		}
		x = out
	}
	c := at(hd.out[l])
	acc, col := make([]int32, c.OutC*hw), make([]int8, c.ColSize())
	c.RunAcc(m.engine, x, acc, col)
	out := make([]float32, len(acc))
	for ch := range c.OutC {
		dequantize(out[ch*hw:(ch+1)*hw], acc[ch*hw:(ch+1)*hw], c.AccScale(ch))
	}
	return out
}
