package net

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

// convShape is one 3x3 stride-1 conv of a model at one input size: ic
// to oc channels over one map, or over all five pyramid levels side by
// side for a head conv.
type convShape struct {
	name   string
	ic, oc int
	levels [][2]int
}

// winogradBenchShapes are the 3x3 stride-1 convs of ResNet-18-FPN with 80
// classes at 320 and 512 and of the default model at its 448 (16..128
// channels, FPN and heads 64 wide, 5 classes): the shapes
// winogradTileFor's table is measured on.
var winogradBenchShapes = func() []convShape {
	var out []convShape
	pyramid := func(p3 int) [][2]int {
		l := make([][2]int, NumLevels)
		for i, s := 0, p3; i < NumLevels; i, s = i+1, (s+1)/2 {
			l[i] = [2]int{s, s}
		}
		return l
	}
	add := func(model string, size int, widths [4]int, fpn, classes int) {
		s := size / 4 // after the stem and the max-pool
		for i, c := range widths {
			out = append(out, convShape{fmt.Sprintf("%s-%d/layer%d-%dx%d", model, size, i+1, c, s), c, c, [][2]int{{s, s}}})
			if i > 0 {
				out = append(out, convShape{fmt.Sprintf("%s-%d/fpn-%dx%d", model, size, fpn, s), fpn, fpn, [][2]int{{s, s}}})
			}
			s = (s + 1) / 2
		}
		p := pyramid(size / 8)
		out = append(out, convShape{fmt.Sprintf("%s-%d/head-%d", model, size, fpn), fpn, fpn, p},
			convShape{fmt.Sprintf("%s-%d/cls-%dx%d", model, size, fpn, 9*classes), fpn, 9 * classes, p},
			convShape{fmt.Sprintf("%s-%d/box-%dx36", model, size, fpn), fpn, 36, p})
	}
	add("r18", 320, [4]int{64, 128, 256, 512}, 256, 80)
	add("r18", 512, [4]int{64, 128, 256, 512}, 256, 80)
	add("default", 448, [4]int{16, 32, 64, 128}, 64, 5)
	return out
}()

// BenchmarkConvAlgorithms times each shape of winogradBenchShapes on one
// thread of the active tier as im2col + GEMM (tile 0), F(2x2) and F(4x4):
//
//	go test -run '^$' -bench ConvAlgorithms -benchtime 20x -count 3 ./net
func BenchmarkConvAlgorithms(b *testing.B) {
	for _, s := range winogradBenchShapes {
		for _, tile := range []int{0, 2, 4} {
			b.Run(fmt.Sprintf("%s/tile%d", s.name, tile), func(b *testing.B) { benchmarkConv(b, s, tile) })
		}
	}
}

func benchmarkConv(b *testing.B, s convShape, tile int) {
	impl := kernels.Active()
	e := kernels.NewEngine(impl, 1)
	defer e.Close()
	rng := rand.New(rand.NewSource(3))
	weights, bias := randomSlice(rng, s.oc*s.ic*9), randomSlice(rng, s.oc)
	var hs, ws [NumLevels]int
	var off [NumLevels + 1]int
	for l, hw := range s.levels {
		hs[l], ws[l] = hw[0], hw[1]
	}
	for l := range NumLevels {
		off[l+1] = off[l] + hs[l]*ws[l]
	}
	total := off[NumLevels]
	in, out := randomSlice(rng, s.ic*total), make([]float32, s.oc*total)
	level := func(buf []float32, l, c int) planes {
		return planes{data: buf[off[l]:], c: c, h: hs[l], w: ws[l], stride: total}
	}
	var run func()
	if tile == 0 {
		c := &conv{ArchConv: ArchConv{InC: s.ic, OutC: s.oc, K: 3, Stride: 1, Pad: 1}, relu: true, bias: bias}
		c.packed = kernels.PackA(impl, false, s.oc, 9*s.ic, weights, 9*s.ic)
		sc := newConvScratch(c.ColSize(hs[0], ws[0]), winoSizes{}, 0, 1)
		run = func() {
			for l := range s.levels {
				c.runPlanes(e, level(in, l, s.ic), level(out, l, s.oc), &sc, false)
			}
		}
	} else {
		wc := newWinogradConv(impl, weights, s.oc, s.ic, tile)
		g := newTileGrid(hs, ws, tile)
		v := make([]float32, winoPositions(tile)*s.ic*g.total())
		rows := make([]float32, winogradRows(tile, g.th[0], g.tw[0]))
		blocks := levelsRun(e, wc, v, g, bias, true, func(l int) planes { return level(out, l, s.oc) })
		run = func() {
			for l := range s.levels {
				winogradInputRange(impl, level(in, l, s.ic), 0, s.ic, v, tile, g.total(), g.off[l], g.th[l], g.tw[l], rows)
			}
			blocks()
		}
	}
	run()
	b.ResetTimer()
	for range b.N {
		run()
	}
}
