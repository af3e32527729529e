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
