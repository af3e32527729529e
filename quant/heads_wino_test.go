package quant

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/retina-edge/retina/internal/cputime"
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net/boxes"
)

// TestHeadsWinogradMatchesIm2col runs the heads as Winograd convs (on a
// tier that has them) and again with the Winograd weights taken away, as
// im2col GEMMs: the outputs agree bit for bit, on a GroupNorm model and
// on one without, at a size whose levels end in partial tiles.
func TestHeadsWinogradMatchesIm2col(t *testing.T) {
	_, m1 := spreadModel(t)
	_, m2 := calibratedGolden(t, "../testdata/golden/bottleneck_v2.safetensors", RuleMinMax, 2, 128, 160)
	for _, m := range []*Model{m1, m2} {
		convs := m.headConvs()
		if !m.engine.Int8Impl().Wino8Fast() {
			t.Skipf("int8 tier %s has no Winograd convs", m.engine.Int8Impl().Name)
		}
		for _, c := range convs {
			if c.wino == nil {
				t.Fatalf("%s: head conv %s has no Winograd weights", m.cfg.Backbone, c.Name)
			}
		}
		img := randomImage(rand.New(rand.NewSource(5)), 96, 224)
		wino := headsCopy(t, m, img.H, img.W, img.Data)
		saved := make([]*kernels.Wino8, len(convs))
		for i, c := range convs {
			saved[i] = c.wino
			c.wino = nil
		}
		direct := headsCopy(t, m, img.H, img.W, img.Data)
		for i, c := range convs {
			c.wino = saved[i]
		}
		for l := range wino {
			if !slices.Equal(wino[l].Logits, direct[l].Logits) || !slices.Equal(wino[l].Deltas, direct[l].Deltas) {
				t.Fatalf("%s: level %d differs between the Winograd and the im2col heads", m.cfg.Backbone, l)
			}
		}
	}
}

// headConvs lists every level's conv of every head conv.
func (m *Model) headConvs() []*Conv {
	var out []*Conv
	for _, h := range []*qhead{&m.cls, &m.box} {
		for _, l := range h.tower {
			out = append(out, l.conv[:]...)
		}
		out = append(out, h.out[:]...)
	}
	return out
}

// headsCopy runs m.Heads and copies its levels.
func headsCopy(t *testing.T, m *Model, h, w int, img []float32) []boxes.Level {
	t.Helper()
	levels, err := m.Heads(h, w, img)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]boxes.Level, len(levels))
	for i, l := range levels {
		out[i] = l
		out[i].Logits = slices.Clone(l.Logits)
		out[i].Deltas = slices.Clone(l.Deltas)
	}
	return out
}

// BenchmarkHeadsWinograd times the int8 ResNet-18 RetinaNet (80 classes,
// 320x320, one thread) with its head convs as Winograd convs and as
// im2col GEMMs (the Winograd weights taken away), in the same process;
// cpu-ms/op is the process's CPU time, which other processes do not add to.
func BenchmarkHeadsWinograd(b *testing.B) {
	m, img := calibratedResNet18(b, 1)
	benchWinograd(b, m, img, m.headConvs())
}

// BenchmarkBackboneWinograd is BenchmarkHeadsWinograd for the backbone's
// and the FPN's convs (those the table makes Winograd convs).
func BenchmarkBackboneWinograd(b *testing.B) {
	m, img := calibratedResNet18(b, 1)
	benchWinograd(b, m, img, m.bodyConvs())
}

// benchWinograd times m with convs as Winograd convs and without.
func benchWinograd(b *testing.B, m *Model, img Image, convs []*Conv) {
	saved := make([]*kernels.Wino8, len(convs))
	for i, c := range convs {
		saved[i] = c.wino
	}
	for _, on := range []bool{true, false} {
		name := "im2col"
		if on {
			name = "winograd"
		}
		b.Run(name, func(b *testing.B) {
			for i, c := range convs {
				c.wino = nil
				if on {
					c.wino = saved[i]
				}
			}
			if _, err := m.Heads(320, 320, img.Data); err != nil {
				b.Fatal(err)
			}
			cpu := cputime.Process()
			b.ResetTimer()
			for range b.N {
				m.Heads(320, 320, img.Data)
			}
			b.ReportMetric(float64((cputime.Process()-cpu).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
		})
	}
	for i, c := range convs {
		c.wino = saved[i]
	}
}
