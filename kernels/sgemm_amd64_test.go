//go:build !purego

package kernels

import (
	"fmt"
	"math"
	"math/rand"
	"runtime"
	"syscall"
	"testing"
	"unsafe"
)

// threadCPUSeconds is the calling OS thread's CPU time (Linux RUSAGE_THREAD).
func threadCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// tileSentinel marks C memory the micro-kernel must not write.
const tileSentinel = float32(-3.5e33)

// TestSgemmTileAsm runs each tier's micro-kernel on its own against a
// float64 reference, with C inside a bigger buffer: guard bands before and
// after the tile and in the gap between rows (ldc > NR) must stay untouched.
func TestSgemmTileAsm(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	kcs := []int{}
	for kc := 0; kc <= 40; kc++ {
		kcs = append(kcs, kc)
	}
	kcs = append(kcs, 127, 256, 511, 1000)
	for _, im := range asmTiers() {
		for _, kc := range kcs {
			for accumulate := 0; accumulate <= 1; accumulate++ {
				checkTile(t, rng, im, kc, accumulate)
			}
		}
	}
}

func checkTile(t *testing.T, rng *rand.Rand, im *Impl, kc, accumulate int) {
	t.Helper()
	mr, nr := im.MR, im.NR
	ldc := nr + 3
	const lead, trail = 5, 9 // odd, so the tile is not vector-aligned
	a := make([]float32, kc*mr+1)
	b := make([]float32, kc*nr+1)
	for i := range a {
		a[i] = float32(rng.NormFloat64())
	}
	for i := range b {
		b[i] = float32(rng.NormFloat64())
	}
	buf := make([]float32, lead+(mr-1)*ldc+nr+trail)
	for i := range buf {
		buf[i] = tileSentinel
	}
	c := buf[lead:]
	before := make([]float64, mr*nr)
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			v := float32(rng.NormFloat64())
			c[i*ldc+j] = v
			before[i*nr+j] = float64(v)
		}
	}
	var ap, bp *float32 = &a[0], &b[0]
	im.sgemmTile(kc, ap, bp, &c[0], ldc, accumulate)

	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var want, bound float64
			if accumulate != 0 {
				want, bound = before[i*nr+j], math.Abs(before[i*nr+j])
			}
			for p := 0; p < kc; p++ {
				x := float64(a[p*mr+i]) * float64(b[p*nr+j])
				want += x
				bound += math.Abs(x)
			}
			got := float64(c[i*ldc+j])
			// Each of the kc+1 float32 roundings errs by at most 2^-24 of the running sum.
			tol := float64(kc+2) * 0x1p-24 * bound
			if math.Abs(got-want) > tol || math.IsNaN(got) {
				t.Fatalf("%s kc=%d accumulate=%d: C[%d][%d] = %v, want %v (tol %g)", im.Name, kc, accumulate, i, j, got, want, tol)
			}
		}
	}
	for idx, v := range buf {
		off := idx - lead
		inTile := off >= 0 && off/ldc < mr && off%ldc < nr
		if !inTile && v != tileSentinel {
			t.Fatalf("%s kc=%d accumulate=%d: wrote %v outside the tile at offset %d (ldc %d)", im.Name, kc, accumulate, v, off, ldc)
		}
	}
}

// TestSgemmTileAsmExactSums checks that a tier's tile sums in k
// order with fused multiply-adds: on data where the result is exact, tiers
// agree bit for bit with the reference.
func TestSgemmTileAsmExactSums(t *testing.T) {
	for _, im := range asmTiers() {
		mr, nr := im.MR, im.NR
		const kc = 37
		a, b, want := exactPanels(mr, nr, kc)
		c := make([]float32, mr*nr)
		im.sgemmTile(kc, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), nr, 0)
		if i := firstBitDiff(c, want); i >= 0 {
			t.Fatalf("%s: C[%d][%d] = %v, want %v", im.Name, i/nr, i%nr, c[i], want[i])
		}
	}
}

// exactPanels returns packed panels of A and B (kc steps of mr and of nr
// values) whose products and sums are all exact in float32, and their mr x
// nr tile's sums in k order (want[i*nr+j]).
func exactPanels(mr, nr, kc int) (a, b, want []float32) {
	a = make([]float32, kc*mr)
	b = make([]float32, kc*nr)
	for i := range a {
		a[i] = float32(i%7 - 3)
	}
	for i := range b {
		b[i] = float32(i%5) * 0.5
	}
	want = make([]float32, mr*nr)
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			for p := 0; p < kc; p++ {
				want[i*nr+j] += a[p*mr+i] * b[p*nr+j]
			}
		}
	}
	return a, b, want
}

// BenchmarkSgemmTiers measures single- and two-thread SGEMM through the
// Engine on the shapes of the network's big layers; it reports GFLOP/s.
// Compare with the FMA peak printed by shared/checks/peak.c in the same run.
func BenchmarkSgemmTiers(b *testing.B) {
	shapes := [][3]int{{256, 1600, 2304}, {64, 6400, 576}, {720, 1600, 2304}}
	for _, im := range asmTiers() {
		for _, s := range shapes {
			m, n, k := s[0], s[1], s[2]
			rng := rand.New(rand.NewSource(2))
			a := make([]float32, m*k)
			bm := make([]float32, k*n)
			c := make([]float32, m*n)
			for i := range a {
				a[i] = float32(rng.NormFloat64())
			}
			for i := range bm {
				bm[i] = float32(rng.NormFloat64())
			}
			for _, threads := range []int{1, 2} {
				for _, packed := range []bool{true, false} {
					name := fmt.Sprintf("%s/m%dn%dk%d/t%d", im.Name, m, n, k, threads)
					if packed {
						name += "/packedA"
					}
					b.Run(name, func(b *testing.B) {
						e := NewEngine(im, threads)
						defer e.Close()
						pa := PackA(im, false, m, k, a, k)
						if threads == 1 {
							runtime.LockOSThread()
							defer runtime.UnlockOSThread()
						}
						cpu0 := threadCPUSeconds()
						b.ResetTimer()
						for i := 0; i < b.N; i++ {
							if packed {
								e.SgemmPacked(pa, false, n, 1, bm, n, 0, c, n, Epilogue{})
							} else {
								e.Sgemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
							}
						}
						flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
						b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
						if threads == 1 {
							// On a shared machine other processes steal wall time; the
							// thread's own CPU time shows the kernel's speed.
							b.ReportMetric(flops/(threadCPUSeconds()-cpu0)/1e9, "cpu-GFLOP/s")
						}
					})
				}
			}
		}
	}
}

// BenchmarkSgemmTileAsm measures the bare micro-kernel on cache-resident
// panels: the ceiling the blocked driver can reach.
func BenchmarkSgemmTileAsm(b *testing.B) {
	for _, im := range asmTiers() {
		for _, kc := range []int{64, 128, 256, 512} {
			b.Run(fmt.Sprintf("%s/kc%d", im.Name, kc), func(b *testing.B) {
				a := make([]float32, kc*im.MR)
				bp := make([]float32, kc*im.NR)
				c := make([]float32, im.MR*im.NR)
				for i := 0; i < b.N; i++ {
					im.sgemmTile(kc, &a[0], &bp[0], &c[0], im.NR, 1)
				}
				b.ReportMetric(2*float64(im.MR*im.NR*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkSgemmBlocking sweeps KC and MC around each tier's setting on the
// 256x1600x2304 layer, single-threaded, to retune the blocking on a new CPU.
func BenchmarkSgemmBlocking(b *testing.B) {
	const m, n, k = 256, 1600, 2304
	rng := rand.New(rand.NewSource(6))
	a := make([]float32, m*k)
	bm := make([]float32, k*n)
	c := make([]float32, m*n)
	for i := range a {
		a[i] = float32(rng.NormFloat64())
	}
	for i := range bm {
		bm[i] = float32(rng.NormFloat64())
	}
	for _, base := range asmTiers() {
		for _, kc := range []int{128, 256, 512} {
			for _, mcTiles := range []int{12, 24, 55} {
				im := *base
				im.KC, im.MC = kc, mcTiles*im.MR
				b.Run(fmt.Sprintf("%s/KC%d/MC%d", im.Name, im.KC, im.MC), func(b *testing.B) {
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					e := NewEngine(&im, 1)
					defer e.Close()
					pa := PackA(&im, false, m, k, a, k)
					cpu0 := threadCPUSeconds()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						e.SgemmPacked(pa, false, n, 1, bm, n, 0, c, n, Epilogue{})
					}
					flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
					b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
					b.ReportMetric(flops/(threadCPUSeconds()-cpu0)/1e9, "cpu-GFLOP/s")
				})
			}
		}
	}
}

// BenchmarkPack measures packing A (per call, when the caller did not
// pre-pack it) and B for the 256x1600x2304 layer on each tier's tile shape.
func BenchmarkPack(b *testing.B) {
	const m, n, k = 256, 1600, 2304
	a := make([]float32, m*k)
	bm := make([]float32, k*n)
	for _, im := range asmTiers() {
		b.Run(im.Name+"/A", func(b *testing.B) {
			dst := make([]float32, packedASize(im, m, k))
			b.SetBytes(4 * m * k)
			for i := 0; i < b.N; i++ {
				packA(im, dst, false, m, k, a, k)
			}
		})
		// n139 is a ragged N: a Winograd head product at 320 (139 tiles),
		// whose last panel is a partial one.
		for _, n := range []int{n, 139} {
			b.Run(fmt.Sprintf("%s/B/n%d", im.Name, n), func(b *testing.B) {
				dst := make([]float32, im.KC*ceilDiv(im.NC, im.NR)*im.NR)
				b.SetBytes(int64(4 * k * n))
				for i := 0; i < b.N; i++ {
					for jc := 0; jc < n; jc += im.NC {
						for pc := 0; pc < k; pc += im.KC {
							packB(im, dst, false, pc, min(im.KC, k-pc), jc, min(im.NC, n-jc), 1, bm, n)
						}
					}
				}
			})
		}
	}
}

// TestSgemmBlockedPaths runs each tier with its blocking shrunk so that
// small matrices cross several KC, MC and NC blocks: the multi-block paths
// (B packed once and reused by later MC blocks, accumulation across KC
// blocks, the next-panel prefetch) that the real sizes reach only on large
// layers. C sits inside guard bands with a padded stride.
func TestSgemmBlockedPaths(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for _, base := range asmTiers() {
		im := *base
		im.KC, im.MC, im.NC = 19, 2*im.MR, 2*im.NR
		for _, threads := range []int{1, 2} {
			e := NewEngine(&im, threads)
			for _, m := range []int{1, 13, 2*im.MR + 3, 5*im.MR + 1} {
				for _, n := range []int{1, im.NR + 5, 5*im.NR + 3} {
					for _, k := range []int{1, 19, 60} {
						trans := rng.Intn(4)
						alpha := []float32{1, -0.5}[rng.Intn(2)]
						beta := []float32{0, 0.5}[rng.Intn(2)]
						checkBlockedGemm(t, e, rng, m, n, k, trans&1 != 0, trans&2 != 0, alpha, beta)
					}
				}
			}
			e.Close()
		}
	}
}

func checkBlockedGemm(t *testing.T, e *Engine, rng *rand.Rand, m, n, k int, transA, transB bool, alpha, beta float32) {
	t.Helper()
	at := func(x []float32, trans bool, ld, i, j int) float32 {
		if trans {
			return x[j*ld+i]
		}
		return x[i*ld+j]
	}
	lda, ldb := k+2, n+1
	if transA {
		lda = m + 2
	}
	if transB {
		ldb = k + 1
	}
	a := make([]float32, max(m, k)*lda)
	b := make([]float32, max(n, k)*ldb)
	for i := range a {
		a[i] = float32(rng.NormFloat64())
	}
	for i := range b {
		b[i] = float32(rng.NormFloat64())
	}
	const lead = 7
	ldc := n + 3
	buf := make([]float32, lead+m*ldc+lead)
	for i := range buf {
		buf[i] = tileSentinel
	}
	c := buf[lead : lead+(m-1)*ldc+n]
	c0 := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			c[i*ldc+j] = float32(rng.NormFloat64())
			c0[i*n+j] = c[i*ldc+j]
		}
	}
	e.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var want, bound float64
			for p := 0; p < k; p++ {
				x := float64(at(a, transA, lda, i, p)) * float64(at(b, transB, ldb, p, j))
				want += x
				bound += math.Abs(x)
			}
			want, bound = float64(alpha)*want, math.Abs(float64(alpha))*bound
			if beta != 0 {
				want += float64(beta) * float64(c0[i*n+j])
				bound += math.Abs(float64(beta) * float64(c0[i*n+j]))
			}
			got := float64(c[i*ldc+j])
			if tol := float64(k+3) * 0x1p-23 * bound; math.Abs(got-want) > tol {
				t.Fatalf("%s threads=%d m=%d n=%d k=%d transA=%v transB=%v alpha=%g beta=%g: C[%d][%d] = %v, want %v",
					e.impl.Name, e.threads, m, n, k, transA, transB, alpha, beta, i, j, got, want)
			}
		}
	}
	for idx, v := range buf {
		off := idx - lead
		inC := off >= 0 && off/ldc < m && off%ldc < n
		if !inC && v != tileSentinel {
			t.Fatalf("%s m=%d n=%d k=%d: wrote %v outside C at offset %d", e.impl.Name, m, n, k, v, off)
		}
	}
}
