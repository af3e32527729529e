package net

import (
	"math"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

// A Winograd conv over five levels side by side (odd, even and 1-pixel
// sizes) equals a float64 direct 3x3 pad-1 conv, with bias and ReLU, on
// every tier.
func TestWinogradMatchesDirectConv(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	const ic, oc = 5, 7
	sizes := [NumLevels][2]int{{7, 9}, {4, 5}, {2, 2}, {1, 1}, {3, 1}}
	var hs, ws [NumLevels]int
	total := 0
	for l, s := range sizes {
		hs[l], ws[l] = s[0], s[1]
		total += s[0] * s[1]
	}
	var off [NumLevels + 1]int
	for l := range NumLevels {
		off[l+1] = off[l] + hs[l]*ws[l]
	}
	in := randomSlice(rng, ic*total)
	weights := randomSlice(rng, oc*ic*9)
	bias := randomSlice(rng, oc)
	g := newTileGrid(hs, ws)
	levelPlanes := func(buf []float32, l, c int) planes {
		return planes{data: buf[off[l]:], c: c, h: hs[l], w: ws[l], stride: total}
	}
	for _, impl := range kernels.Tiers() {
		for _, relu := range []bool{false, true} {
			wc := newWinogradConv(impl, weights, oc, ic)
			e := kernels.NewEngine(impl, 1)
			v := make([]float32, 16*ic*g.total())
			m := make([]float32, 16*oc*g.total())
			out := make([]float32, oc*total)
			for l := range NumLevels {
				winogradInputRange(impl, levelPlanes(in, l, ic), 0, ic, v, g.total(), g.off[l], g.th[l], g.tw[l], make([]float32, winogradRows(g.th[l], g.tw[l])))
			}
			wc.products(e, v, m, g.total())
			for l := range NumLevels {
				winogradOutputRange(impl, m, g.total(), g.off[l], g.th[l], g.tw[l], bias, relu, false, levelPlanes(out, l, oc), 0, oc, make([]float32, 4*g.tw[l]))
			}
			e.Close()
			for l := range NumLevels {
				h, w := hs[l], ws[l]
				src := make([]float32, ic*h*w)
				for ch := range ic {
					copy(src[ch*h*w:], in[ch*total+off[l]:ch*total+off[l]+h*w])
				}
				ref, _, _ := directConv(src, ic, h, w, weights, oc, 3, 1, 1)
				for o := range oc {
					for i := range h * w {
						want := ref[o*h*w+i] + float64(bias[o])
						if relu {
							want = max(want, 0)
						}
						got := float64(out[o*total+off[l]+i])
						if math.Abs(got-want) > 1e-5*max(1, math.Abs(want)) {
							t.Fatalf("%s relu=%v level %d (%dx%d) channel %d pixel %d: got %g, want %g",
								impl.Name, relu, l, h, w, o, i, got, want)
						}
					}
				}
			}
		}
	}
}

// A residual Winograd conv (runWinograd with accumulate) adds what the
// output held before the bias and ReLU, for odd and even sizes.
func TestWinogradResidual(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	const ic, oc = 3, 4
	for _, hw := range [][2]int{{5, 6}, {6, 5}, {1, 2}} {
		h, w := hw[0], hw[1]
		src := randomSlice(rng, ic*h*w)
		prior := randomSlice(rng, oc*h*w)
		weights, bias := randomSlice(rng, oc*ic*9), randomSlice(rng, oc)
		impl := kernels.Tiers()[0]
		c := &conv{ArchConv: ArchConv{OutC: oc, InC: ic, K: 3, Stride: 1, Pad: 1}, relu: true, bias: bias,
			wino: newWinogradConv(impl, weights, oc, ic)}
		v, m, rows := winogradScratch(ic, oc, h, w)
		sc := newConvScratch(0, v, m, rows, 1)
		dst := append([]float32(nil), prior...)
		e := kernels.NewEngine(impl, 1)
		c.runPlanes(e, planes{data: src, c: ic, h: h, w: w, stride: h * w}, planes{data: dst, c: oc, h: h, w: w, stride: h * w}, &sc, true)
		e.Close()
		ref, _, _ := directConv(src, ic, h, w, weights, oc, 3, 1, 1)
		for i, r := range ref {
			want := max(0, r+float64(prior[i])+float64(bias[i/(h*w)]))
			if math.Abs(float64(dst[i])-want) > 1e-5*max(1, math.Abs(want)) {
				t.Fatalf("%dx%d element %d: got %g, want %g", h, w, i, dst[i], want)
			}
		}
	}
}
