//go:build !purego

package kernels

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// BenchmarkGemmI8Tiers measures GemmI8 (requantized output, A pre-packed)
// per int8 tier on the network's big layer shapes; it reports GOP/s (two
// operations per multiply-add, as GFLOP/s counts them).
func BenchmarkGemmI8Tiers(b *testing.B) {
	shapes := [][3]int{{256, 1600, 2304}, {64, 6400, 576}}
	for _, im := range Int8Tiers() {
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			rng := rand.New(rand.NewPCG(1, 2))
			a := make([]int8, m*k)
			bm := make([]int8, k*n)
			fill8(rng, a, "random")
			fill8(rng, bm, "random")
			rq := &Requant{Min: -128, Max: 127}
			for i := 0; i < m; i++ {
				mult, shift := QuantizeMultiplier(0.001)
				rq.Bias, rq.Multiplier, rq.Shift = append(rq.Bias, 0), append(rq.Multiplier, mult), append(rq.Shift, shift)
			}
			c := make([]int8, m*n)
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/m%dn%dk%d/t%d", im.Name, m, n, k, threads), func(b *testing.B) {
					e := NewEngine(nil, threads)
					defer e.Close()
					e.SetInt8(im)
					pa := PackA8(im, m, k, a, k)
					if threads == 1 {
						runtime.LockOSThread()
						defer runtime.UnlockOSThread()
					}
					cpu0 := threadCPUSeconds()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						e.GemmI8(pa, n, bm, n, c, n, rq)
					}
					ops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
					b.ReportMetric(ops/b.Elapsed().Seconds()/1e9, "GOP/s")
					if threads == 1 {
						// The thread's own CPU time: other processes steal wall time.
						b.ReportMetric(ops/(threadCPUSeconds()-cpu0)/1e9, "cpu-GOP/s")
					}
				})
			}
		}
	}
}

// resnet18At320 lists GEMM shapes (m x n x k) of RetinaNet ResNet-18-FPN at
// 320x320: stem, the four stages' 3x3 convs, a downsample, an FPN lateral,
// a head tower conv at P3 and P5, the class and box outputs at P3.
var resnet18At320 = [][3]int{
	{64, 25600, 147}, {64, 6400, 576}, {128, 1600, 1152}, {256, 400, 2304}, {512, 100, 4608},
	{128, 1600, 64}, {256, 1600, 128}, {256, 1600, 2304}, {256, 100, 2304}, {720, 1600, 2304}, {36, 1600, 2304},
}

// BenchmarkGemmI8VsFloat runs each shape of resnet18At320 through GemmI8 on
// the best int8 tier and through SgemmPacked (with a bias epilogue, as a
// conv does) on the best float tier, one thread, and reports each one's
// thread-CPU GOP/s: their ratio is the int8 speed-up per layer.
func BenchmarkGemmI8VsFloat(b *testing.B) {
	for _, s := range resnet18At320 {
		m, n, k := s[0], s[1], s[2]
		rng := rand.New(rand.NewPCG(1, 2))
		a8, b8 := make([]int8, m*k), make([]int8, k*n)
		fill8(rng, a8, "sym")
		fill8(rng, b8, "random")
		rq := &Requant{Min: -128, Max: 127}
		for i := 0; i < m; i++ {
			mult, shift := QuantizeMultiplier(0.001)
			rq.Bias, rq.Multiplier, rq.Shift = append(rq.Bias, 0), append(rq.Multiplier, mult), append(rq.Shift, shift)
		}
		c8 := make([]int8, m*n)
		af, bf, cf := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		for i := range af {
			af[i] = float32(a8[i])
		}
		for i := range bf {
			bf[i] = float32(b8[i])
		}
		ep := Epilogue{Bias: make([]float32, m), ReLU: true}
		ops := 2 * float64(m) * float64(n) * float64(k)
		run := func(name string, f func()) {
			b.Run(fmt.Sprintf("%s/m%dn%dk%d", name, m, n, k), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				f()
				cpu0 := threadCPUSeconds()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					f()
				}
				b.ReportMetric(ops*float64(b.N)/(threadCPUSeconds()-cpu0)/1e9, "cpu-GOP/s")
			})
		}
		e := NewEngine(nil, 1)
		pa := PackA8(e.Int8Impl(), m, k, a8, k)
		run("int8-"+e.Int8Impl().Name, func() { e.GemmI8(pa, n, b8, n, c8, n, rq) })
		pf := PackA(e.Impl(), false, m, k, af, k)
		run("float-"+e.Impl().Name, func() { e.SgemmPacked(pf, false, n, 1, bf, n, 0, cf, n, ep) })
		e.Close()
	}
}
