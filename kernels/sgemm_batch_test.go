package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
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
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s %d GEMMs of %dx%dx%d, %d threads: element %d is %g, one by one %g",
							im.Name, sh.count, sh.m, sh.n, sh.k, threads, i, got[i], want[i])
					}
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
