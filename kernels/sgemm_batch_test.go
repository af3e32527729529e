package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/cputime"
)

// TestSgemmPackedBatchMatchesOneByOne: a batch gives SgemmPacked's bits on
// every tier and thread count, with fewer GEMMs than threads (split each)
// and more (spread whole), odd shapes, and strides that leave gaps between
// the matrices, which must stay untouched.
func TestSgemmPackedBatchMatchesOneByOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, im := range tiers {
		for _, sh := range []struct{ count, m, n, k int }{
			{1, 37, 101, 70}, {3, 5, 9, 3}, {16, 29, 67, 131}, {7, 70, 150, 300},
		} {
			ldb, ldc := sh.n+3, sh.n+5
			bStride, cStride := sh.k*ldb+11, sh.m*ldc+13
			a := make([]*PackedA, sh.count)
			for p := range a {
				a[p] = PackA(im, false, sh.m, sh.k, randSlice(rng, sh.m*sh.k), sh.k)
			}
			b := randSlice(rng, sh.count*bStride)
			guard := randSlice(rng, sh.count*cStride)
			one := NewEngine(im, 1)
			want := append([]float32(nil), guard...)
			for p := range a {
				one.SgemmPacked(a[p], false, sh.n, 1, b[p*bStride:], ldb, 0, want[p*cStride:], ldc, Epilogue{})
			}
			one.Close()
			for threads := 1; threads <= 4; threads++ {
				e := NewEngine(im, threads)
				got := append([]float32(nil), guard...)
				e.SgemmPackedBatch(a, sh.n, b, bStride, ldb, got, cStride, ldc)
				e.Close()
				if i := firstBitDiff(got, want); i >= 0 {
					t.Fatalf("%s %d GEMMs of %dx%dx%d, %d threads: element %d is %g, one by one %g",
						im.Name, sh.count, sh.m, sh.n, sh.k, threads, i, got[i], want[i])
				}
			}
		}
	}
}

// TestSgemmPackedBatchNoAllocs: a warmed engine's batch allocates nothing.
func TestSgemmPackedBatchNoAllocs(t *testing.T) {
	e := NewEngine(nil, 2)
	defer e.Close()
	const count, m, n, k = 16, 24, 50, 40
	a := make([]*PackedA, count)
	for p := range a {
		a[p] = PackA(e.Impl(), false, m, k, make([]float32, m*k), k)
	}
	b, c := make([]float32, count*k*n), make([]float32, count*m*n)
	allocs := testing.AllocsPerRun(20, func() { e.SgemmPackedBatch(a, n, b, k*n, n, c, m*n, n) })
	if allocs != 0 {
		t.Fatalf("SgemmPackedBatch allocates %v times per call after warm-up", allocs)
	}
}

// TestSgemmPackedBatchBadArguments: a batch checks every GEMM as
// SgemmPacked would, before any thread starts: a B or C too short for its
// last GEMM, or (where the CPU has a second tier) panels packed for
// another tier.
func TestSgemmPackedBatchBadArguments(t *testing.T) {
	e := NewEngine(tiers[0], 2)
	defer e.Close()
	const m, n, k = 8, 10, 6
	good := PackA(tiers[0], false, m, k, make([]float32, m*k), k)
	b, c := make([]float32, 2*k*n), make([]float32, 2*m*n)
	expectOwnPanic(t, "short B", func() { e.SgemmPackedBatch([]*PackedA{good, good}, n, b[:2*k*n-1], k*n, n, c, m*n, n) })
	expectOwnPanic(t, "short C", func() { e.SgemmPackedBatch([]*PackedA{good, good}, n, b, k*n, n, c[:2*m*n-1], m*n, n) })
	if last := tiers[len(tiers)-1]; last.MR != tiers[0].MR {
		other := PackA(last, false, m, k, make([]float32, m*k), k)
		expectOwnPanic(t, "other tier", func() { e.SgemmPackedBatch([]*PackedA{good, other}, n, b, k*n, n, c, m*n, n) })
	}
}

// BenchmarkWinogradProducts times the Winograd products of convs at
// 320x320 on one and two threads: the 16 GEMMs of a ResNet-18 F(2x2) head
// conv (256 x 538 x 256 each) one by one or as one batch, with threads that
// block at once or poll (spinFor) between calls; and, batched, the ragged
// N of the network's F(4x4) products, where the column edge dominates: a
// head conv (36 x 256 x 139 x 256, 139 tiles over P3..P7), layer2 at 40x40
// (36 x 128 x 100 x 128), and a 40-column chunk of the 720-output class
// conv. cpu-ms/op is the process's CPU time, which other processes on a
// shared machine do not add to. Run:
// go test -run '^$' -bench WinogradProducts ./kernels
func BenchmarkWinogradProducts(b *testing.B) {
	type shape struct {
		name           string
		count, m, n, k int
		all            bool // every hand-off and batch variant, not only the batch
	}
	for _, s := range []shape{
		{"", 16, 256, 538, 256, true},
		{"head4/", 36, 256, 139, 256, false},
		{"layer2/", 36, 128, 100, 128, false},
		{"cls40/", 36, 720, 40, 256, false},
	} {
		a := make([]*PackedA, s.count)
		for p := range a {
			a[p] = PackA(active, false, s.m, s.k, randSlice(rand.New(rand.NewPCG(1, uint64(p))), s.m*s.k), s.k)
		}
		bm := randSlice(rand.New(rand.NewPCG(2, 0)), s.count*s.k*s.n)
		c := make([]float32, s.count*s.m*s.n)
		for _, hand := range []struct {
			name string
			spin time.Duration
		}{{"block", 0}, {"poll", spinFor}} {
			for _, batch := range []bool{false, true} {
				if !s.all && (!batch || hand.spin != 0) {
					continue
				}
				for _, threads := range []int{1, 2} {
					b.Run(fmt.Sprintf("%s%s/batch=%v/threads=%d", s.name, hand.name, batch, threads), func(b *testing.B) {
						e := newEngine(active, threads, hand.spin)
						defer e.Close()
						cpu := cputime.Process()
						for range b.N {
							if batch {
								e.SgemmPackedBatch(a, s.n, bm, s.k*s.n, s.n, c, s.m*s.n, s.n)
								continue
							}
							for p := range a {
								e.SgemmPacked(a[p], false, s.n, 1, bm[p*s.k*s.n:], s.n, 0, c[p*s.m*s.n:], s.n, Epilogue{})
							}
						}
						cpu = cputime.Process() - cpu
						flops := float64(s.count*2*s.m*s.n*s.k) * float64(b.N)
						b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
						b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
					})
				}
			}
		}
	}
}
