package kernels

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

func TestProbeWino8Phases(t *testing.T) {
	const c, outC = 256, 256
	sizes := []int{40, 20, 10, 5, 3}
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
	rq := &Requant{Min: -128, Max: 127}
	for range outC {
		m, sh := QuantizeMultiplier(0.001)
		rq.Bias, rq.Multiplier, rq.Shift = append(rq.Bias, 0), append(rq.Multiplier, m), append(rq.Shift, sh)
	}
	rqs := []*Requant{rq, rq, rq, rq, rq}
	dst := make([]int8, outC*total)
	e := NewEngine(nil, 1)
	defer e.Close()
	wt, _ := NewWino8(outC, c, w)
	p := NewWino8Plan(1, c, images)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	e.Wino8Conv(wt, p, src, total, Wino8Out{C: dst, Ldc: total, Rq: rqs})
	p.w, p.im, p.src, p.stride, p.out = wt, e.impl8, src, total, Wino8Out{C: dst, Ldc: total, Rq: rqs}
	best := func(f func()) time.Duration {
		b := time.Hour
		for range 30 {
			t0 := time.Now()
			f()
			b = min(b, time.Since(t0))
		}
		return b
	}
	groups := ceilDiv(c, 2)
	s := &p.parts[0]
	in := best(func() {
		for g := range groups {
			p.inputTier(s, g)
		}
	})
	gemm := best(func() {
		for q := range p.panels {
			cols := min(p.width, p.tiles-q*p.width)
			for o0 := 0; o0 < outC; o0 += wino8Block {
				o1 := min(o0+wino8Block, outC)
				for pt := range wino8Points {
					b := &p.v[(pt*p.panels+q)*groups*2*wino8NR]
					for i := o0 / wino8MR; i*wino8MR < o1; i++ {
						p.im.tile16Run(groups, &wt.u[(pt*wt.panels+i)*groups*2*wino8MR], b, &s.m[(pt*wino8Block+i*wino8MR-o0)*wino8NR], wino8NR, cols)
					}
				}
			}
		}
	})
	all := best(func() { e.Wino8Conv(wt, p, src, total, Wino8Out{C: dst, Ldc: total, Rq: rqs}) })
	t.Logf("tiles %d panels %d width %d: input %v gemm %v all %v", p.tiles, p.panels, p.width, in, gemm, all)
}
