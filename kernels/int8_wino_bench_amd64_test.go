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

// BenchmarkInt16Tile runs each int16 tile kernel of the active tier on
// one panel pair in L1 (a head conv's 128 channel pairs) and reports the
// rate of its multiply instructions (one VPDPWSSD per 6-row x 16-column
// step of a channel pair): the products' ceiling, against which their
// share of a forward's profile is read.
func BenchmarkInt16Tile(b *testing.B) {
	im := ActiveInt8()
	if im.tile16 == nil {
		b.Skipf("int8 tier %s has no int16 tile kernels", im.Name)
	}
	const groups = 128
	a := make([]int16, groups*2*wino8MR)
	bp := make([]int16, groups*2*wino8NR)
	c := make([]int32, wino8MR*wino8NR)
	for w, kernel := range im.tile16 {
		cols := 16 * (w + 1)
		b.Run(fmt.Sprintf("6x%d", cols), func(b *testing.B) {
			for b.Loop() {
				kernel(groups, &a[0], &bp[0], &c[0], wino8NR)
			}
			instr := float64(b.N) * groups * wino8MR * float64(cols/16)
			b.ReportMetric(instr/b.Elapsed().Seconds()/1e9, "Ginstr/s")
		})
	}
}

// readAllJob reads every 32nd value of v on each part, as the products
// of a conv split by output rows read all of its transformed input.
type readAllJob struct {
	v   []int16
	sum [8]int64
}

func (j *readAllJob) RunRange(part, _, _ int) {
	var s int64
	for i := 0; i < len(j.v); i += 32 {
		s += int64(j.v[i])
	}
	j.sum[part%len(j.sum)] = s
}

// BenchmarkWino8InputShared times the input transform of a head conv's
// 139 tiles (256 channels) on 1 and 2 threads, with the transformed
// input last written by the same threads ("own") and after every thread
// has read all of it ("read-by-all", as the products leave it when they
// split by output rows): on two threads the second makes each thread
// take its lines back from the other core. cpu-ms is not reported: the
// figure is the wall time of the step alone.
func BenchmarkWino8InputShared(b *testing.B) {
	if ActiveInt8().wino8Input == nil {
		b.Skipf("int8 tier %s has no input transform kernel", ActiveInt8().Name)
	}
	var images []Wino8Image
	total := 0
	for _, s := range []int{40, 20, 10, 5, 3} {
		images = append(images, Wino8Image{H: s, W: s, Src: total, Dst: total})
		total += s * s
	}
	const c = 256
	src := make([]int8, c*total)
	fill8(rand.New(rand.NewPCG(5, 6)), src, "random")
	for _, threads := range []int{1, 2} {
		for _, shared := range []bool{false, true} {
			name := fmt.Sprintf("t%d/own", threads)
			if shared {
				name = fmt.Sprintf("t%d/read-by-all", threads)
			}
			b.Run(name, func(b *testing.B) {
				e := NewEngine(nil, threads)
				defer e.Close()
				p := NewWino8Plan(threads, c, images)
				p.im, p.src, p.stride, p.step = e.impl8, src, total, 0
				p.run++
				read := &readAllJob{v: p.v}
				var step time.Duration
				for b.Loop() {
					if shared {
						e.ParallelRange(read, threads)
					}
					t0 := time.Now()
					e.ParallelRange(p, ceilDiv(c, 2))
					step += time.Since(t0)
				}
				b.ReportMetric(float64(step.Microseconds())/1e3/float64(b.N), "step-ms")
			})
		}
	}
}
