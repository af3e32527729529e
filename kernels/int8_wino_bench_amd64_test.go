//go:build !purego

package kernels

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// BenchmarkWino8Head times a head tower conv at 320x320 (256 -> 256
// channels over the five pyramid levels) on the active int8 tier, as the
// Winograd conv and as im2col + GEMM, on one thread; cpu-ms/op is the
// thread's own CPU time and min-ms the fastest run (other processes steal
// wall time).
func BenchmarkWino8Head(b *testing.B) {
	benchWino8(b, 256, []int{40, 20, 10, 5, 3})
}

// BenchmarkWino8Single times the backbone's and the FPN's 3x3 stride-1
// convs at 320x320 (one image each: ResNet-18 layer1..layer4, the FPN
// output convs at 40, 20, 10; the default model's at 448: 16..128 channels
// at 112..14) the same way, to choose per conv place.
func BenchmarkWino8Single(b *testing.B) {
	for _, s := range []struct{ c, side int }{{64, 80}, {128, 40}, {256, 20}, {512, 10}, {256, 40}, {256, 10}, {16, 112}, {32, 56}, {64, 28}, {64, 56}, {64, 14}, {128, 14}} {
		b.Run(fmt.Sprintf("c%d-%d", s.c, s.side), func(b *testing.B) { benchWino8(b, s.c, []int{s.side}) })
	}
}

// benchWino8 times a c -> c 3x3 conv over images of the given sides.
func benchWino8(b *testing.B, c int, sizes []int) {
	outC := c
	var images []Wino8Image
	total := 0
	for _, s := range sizes {
		images = append(images, Wino8Image{H: s, W: s, Src: total, Dst: total})
		total += s * s
	}
	rng := rand.New(rand.NewPCG(1, 2))
	w := make([]int8, outC*c*9)
	src := make([]int8, c*total)
	fill8(rng, w, "sym")
	for i := range w {
		w[i] /= 8
	}
	fill8(rng, src, "random")
	rq := &Requant{Min: -128, Max: 127}
	for range outC {
		m, sh := QuantizeMultiplier(0.001)
		rq.Bias, rq.Multiplier, rq.Shift = append(rq.Bias, 0), append(rq.Multiplier, m), append(rq.Shift, sh)
	}
	rqs := make([]*Requant, len(images))
	for i := range rqs {
		rqs[i] = rq
	}
	dst := make([]int8, outC*total)
	im := ActiveInt8()
	run := func(b *testing.B, f func()) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		f()
		cpu0 := threadCPUSeconds()
		best := time.Duration(1 << 62)
		b.ResetTimer()
		for range b.N {
			t0 := time.Now()
			f()
			best = min(best, time.Since(t0))
		}
		b.ReportMetric((threadCPUSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(best.Microseconds())/1e3, "min-ms")
	}
	b.Run(fmt.Sprintf("%s/winograd", im.Name), func(b *testing.B) {
		e := NewEngine(nil, 1)
		defer e.Close()
		wt, err := NewWino8(outC, c, w)
		if err != nil {
			b.Fatal(err)
		}
		p := NewWino8Plan(1, c, images)
		run(b, func() { e.Wino8Conv(wt, p, src, total, Wino8Out{C: dst, Ldc: total, Rq: rqs}) })
	})
	b.Run(fmt.Sprintf("%s/im2col", im.Name), func(b *testing.B) {
		e := NewEngine(nil, 1)
		defer e.Close()
		pa := PackA8(im, outC, c*9, w, c*9)
		col := make([]int8, c*9*total)
		run(b, func() {
			for _, img := range images {
				s := ConvShape{C: c, H: img.H, W: img.W, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1}
				Im2colPlanesInt8(im, s, src[img.Src:], total, 0, -128, col[img.Src:], total, 0, c*9)
			}
			for _, img := range images {
				e.GemmI8(pa, img.H*img.W, col[img.Src:], total, dst[img.Dst:], total, rq)
			}
		})
	})
}

// BenchmarkWino8Weights times the int8 Winograd weight transform of a
// 256 -> 256 head conv, every layout block in turn into one block's
// scratch, as the products run it, on each int8 tier.
func BenchmarkWino8Weights(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := make([]int8, 256*256*9)
	fill8(rng, w, "sym")
	for i := range w {
		w[i] /= 8
	}
	wt, err := NewWino8(256, 256, w)
	if err != nil {
		b.Fatal(err)
	}
	u := make([]int16, wino8Points*wt.pointStride())
	for _, im := range Int8Tiers() {
		b.Run(im.Name, func(b *testing.B) {
			for b.Loop() {
				for blk := range ceilDiv(wt.panels, wt.block) {
					wt.transformBlock(im, u, blk)
				}
			}
		})
	}
}
