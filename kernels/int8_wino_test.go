package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// wino8Case is a Winograd conv on a few images side by side in each
// channel's row (as the heads' pyramid levels are).
type wino8Case struct {
	c, outC int
	sizes   [][2]int // h, w per image
	fill    string
}

// directSum is the 3x3 same conv's int32 sum of output channel o at
// (y, x) of image im, padding read as im.Pad.
func directSum(w []int8, c int, src []int8, stride int, im Wino8Image, o, y, x int) int32 {
	var s int32
	for ch := range c {
		for ky := range 3 {
			for kx := range 3 {
				yy, xx := y+ky-1, x+kx-1
				v := im.Pad
				if yy >= 0 && yy < im.H && xx >= 0 && xx < im.W {
					v = src[ch*stride+im.Src+yy*im.W+xx]
				}
				s += int32(v) * int32(w[(o*c+ch)*9+ky*3+kx])
			}
		}
	}
	return s
}

// TestWino8Conv checks the Winograd conv on every int8 tier against the
// direct sums, requantized and raw, on odd sizes (partial tiles, images
// smaller than a tile, panels of fewer than 64 tiles, odd channel counts,
// row counts that are not a multiple of 6, more tile panels than a task
// takes), with guard bands around and between the images' outputs.
func TestWino8Conv(t *testing.T) {
	cases := []wino8Case{
		{c: 3, outC: 7, sizes: [][2]int{{9, 7}}, fill: "random"},
		{c: 8, outC: 13, sizes: [][2]int{{17, 22}, {5, 6}, {3, 3}, {2, 1}, {1, 1}}, fill: "random"},
		{c: 33, outC: 30, sizes: [][2]int{{40, 40}, {20, 20}, {10, 10}, {5, 5}, {3, 3}}, fill: "sym"},
		{c: 16, outC: 25, sizes: [][2]int{{13, 70}}, fill: "max"},
		{c: 16, outC: 6, sizes: [][2]int{{12, 9}}, fill: "min"},
		{c: 4, outC: 31, sizes: [][2]int{{61, 72}, {7, 5}}, fill: "random"}, // 5 panels: two chunks
	}
	for _, im := range Int8Tiers() {
		for ci, tc := range cases {
			for _, threads := range []int{1, 2, 3, 4} {
				t.Run(fmt.Sprintf("%s/%d/t%d", im.Name, ci, threads), func(t *testing.T) {
					checkWino8(t, im, threads, tc, uint64(ci))
				})
			}
		}
	}
}

func checkWino8(t *testing.T, tier *Int8Impl, threads int, tc wino8Case, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 11))
	const gap = 5 // guard pixels between images, in the input and the output rows
	var images []Wino8Image
	at := gap
	for _, s := range tc.sizes {
		images = append(images, Wino8Image{H: s[0], W: s[1], Src: at, Dst: at, Pad: int8(rng.IntN(256) - 128)})
		at += s[0]*s[1] + gap
	}
	stride := at
	w := make([]int8, tc.outC*tc.c*9)
	fill8(rng, w, "sym")
	if tc.fill == "max" || tc.fill == "min" {
		for i := range w {
			w[i] = int8(9 - rng.IntN(19)) // keeps the sums inside the exact range
		}
	}
	src := make([]int8, tc.c*stride)
	fill8(rng, src, tc.fill)
	wt, err := NewWino8(tc.outC, tc.c, w)
	if err != nil {
		t.Fatal(err)
	}
	var rqs []*Requant
	for range images {
		rq := &Requant{OutZero: int32(rng.IntN(256) - 128), Min: -128, Max: 127}
		if rng.IntN(2) == 0 {
			rq.Min = int8(rq.OutZero)
		}
		for range tc.outC {
			rq.Bias = append(rq.Bias, int32(rng.IntN(1<<20)-1<<19))
			m, sh := QuantizeMultiplier(rng.Float64() * []float64{1e-4, 1e-2, 1}[rng.IntN(3)])
			rq.Multiplier, rq.Shift = append(rq.Multiplier, m), append(rq.Shift, sh)
		}
		rqs = append(rqs, rq)
	}
	e := NewEngine(generic, threads)
	defer e.Close()
	e.SetInt8(tier)
	p := NewWino8Plan(threads, tc.c, images)
	// A run with other pads first: the plan must not keep their borders.
	for i, img := range images {
		p.SetPad(i, img.Pad^0x55)
	}
	e.Wino8Conv(wt, p, src, stride, Wino8Out{C: make([]int8, tc.outC*stride), Ldc: stride, Rq: rqs})
	for i, img := range images {
		p.SetPad(i, img.Pad)
	}
	c := make([]int8, tc.outC*stride)
	acc := make([]int32, tc.outC*stride)
	for i := range c {
		c[i], acc[i] = guard8, guard8
	}
	e.Wino8Conv(wt, p, src, stride, Wino8Out{C: c, Ldc: stride, Rq: rqs})
	e.Wino8Conv(wt, p, src, stride, Wino8Out{Acc: acc, Ldc: stride, Rq: rqs})
	// The float output: each image a block of its own, rows dequantized.
	var fAt []int
	var fScale [][]float32
	nf := 0
	for ii, img := range images {
		fAt = append(fAt, nf)
		nf += tc.outC * img.H * img.W
		sc := make([]float32, tc.outC)
		for o := range sc {
			sc[o] = 0.001 * float32(o+ii+1)
		}
		fScale = append(fScale, sc)
	}
	f := make([]float32, nf)
	e.Wino8Conv(wt, p, src, stride, Wino8Out{F: f, FAt: fAt, FScale: fScale, Rq: rqs, Reuse: true})
	inside := make([]bool, stride)
	for _, img := range images {
		for i := range img.H * img.W {
			inside[img.Src+i] = true
		}
	}
	for o := range tc.outC {
		for i, in := range inside {
			if !in && (c[o*stride+i] != guard8 || acc[o*stride+i] != guard8) {
				t.Fatalf("row %d: wrote outside the images at %d", o, i)
			}
		}
		for ii, img := range images {
			rq := rqs[ii]
			for y := range img.H {
				for x := range img.W {
					sum := rq.Bias[o] + directSum(w, tc.c, src, stride, img, o, y, x)
					at := o*stride + img.Dst + y*img.W + x
					if acc[at] != sum {
						t.Fatalf("image %d: acc[%d][%d][%d] = %d, want %d", ii, o, y, x, acc[at], sum)
					}
					if got, want := f[fAt[ii]+(o*img.H+y)*img.W+x], float32(sum)*fScale[ii][o]; got != want {
						t.Fatalf("image %d: float out[%d][%d][%d] = %g, want %g", ii, o, y, x, got, want)
					}
					q := int64(rq.OutZero) + int64(MultiplyByQuantizedMultiplier(sum, rq.Multiplier[o], rq.Shift[o]))
					want := int8(min(max(q, int64(rq.Min)), int64(rq.Max)))
					if c[at] != want {
						t.Fatalf("image %d: out[%d][%d][%d] = %d, want %d", ii, o, y, x, c[at], want)
					}
				}
			}
		}
	}
	if n := testing.AllocsPerRun(3, func() {
		e.Wino8Conv(wt, p, src, stride, Wino8Out{C: c, Ldc: stride, Rq: rqs})
	}); n != 0 {
		t.Errorf("Wino8Conv allocates %v times a run", n)
	}
}

// TestWino8ExactBound checks that NewWino8 refuses weights whose sums
// could leave the range where the transform is exact, and that at the
// edge of that range (and past 2^31 in the transform domain, where the
// sums wrap) the result is still the direct sum.
func TestWino8ExactBound(t *testing.T) {
	c := 2048 // 2048 * 9 * 127 * 128 > 2^25
	w := make([]int8, c*9)
	for i := range w {
		w[i] = 127
	}
	if _, err := NewWino8(1, c, w); err == nil {
		t.Fatal("NewWino8 took weights whose sums can pass 2^25")
	}
	// 28 channels of 127s and 128s: sums up to 28*9*127*128 < 2^25, the
	// transform-domain sums far past int32.
	c = 28
	w = w[:c*9]
	src := make([]int8, c*36)
	for i := range src {
		src[i] = -128
	}
	wt, err := NewWino8(1, c, w)
	if err != nil {
		t.Fatal(err)
	}
	img := Wino8Image{H: 6, W: 6, Pad: -128}
	p := NewWino8Plan(1, c, []Wino8Image{img})
	e := NewEngine(generic, 1)
	defer e.Close()
	e.SetInt8(generic8)
	acc := make([]int32, 36)
	e.Wino8Conv(wt, p, src, 36, Wino8Out{Acc: acc, Ldc: 36, Rq: []*Requant{{}}})
	for i, got := range acc {
		if want := directSum(w, c, src, 36, img, 0, i/6, i%6); got != want {
			t.Fatalf("acc[%d] = %d, want %d", i, got, want)
		}
	}
}

// TestWino8Weights checks each tier's weight transform against
// wino8WeightsGo bit for bit on a few vector counts, with extreme
// taps (-128 and 127 mixed, and -128 everywhere) among them, and
// that it writes nothing past its lanes.
func TestWino8Weights(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, im := range Int8Tiers() {
		if im.wino8Weights == nil {
			continue
		}
		for _, vecs := range []int{1, 3, 5} {
			for _, fill := range []string{"random", "mixed", "min"} {
				lanes, ptStride := vecs*32, vecs*32+7 // a stride not a multiple of the vector
				raw := make([]int8, 9*lanes)
				fill8(rng, raw, fill)
				want := make([]int16, wino8Points*ptStride)
				got := make([]int16, len(want))
				for i := range got {
					got[i], want[i] = -1, -1
				}
				wino8WeightsGo(want, raw, lanes, ptStride)
				im.wino8Weights(&got[0], &raw[0], vecs, ptStride*2)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s, %d vectors, %s: u[%d] = %d, want %d", im.Name, vecs, fill, i, got[i], want[i])
					}
				}
			}
		}
	}
}
