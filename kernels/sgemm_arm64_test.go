//go:build !purego

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// neonSentinel marks memory around the C tile that the kernel must not write.
const neonSentinel = float32(-6.5e33)

// TestNEONDispatch: every arm64 CPU has ASIMD, so neon is the best tier and
// the default, and its blocks are whole tiles.
func TestNEONDispatch(t *testing.T) {
	if tiers[0] != neonTier {
		t.Fatalf("best tier is %s, want neon (features: %s)", tiers[0].Name, Features())
	}
	if im, err := Lookup("neon"); err != nil || im != neonTier {
		t.Fatalf("Lookup(neon) = %v, %v", im, err)
	}
	if chooseActive("") != neonTier || chooseActive("generic") != generic {
		t.Fatal("chooseActive does not pick neon by default and generic when forced")
	}
	t.Logf("features: %s; HasDotProduct: %v", Features(), HasDotProduct())
	im := neonTier
	if im.MC%im.MR != 0 || im.NC%im.NR != 0 {
		t.Fatalf("neon blocks MC=%d NC=%d are not multiples of the %dx%d tile", im.MC, im.NC, im.MR, im.NR)
	}
}

// TestNEONTile runs the 8x12 micro-kernel alone against a float64 reference
// for kc 0..40 and long sums, both accumulate modes and several row strides,
// with C inside a guarded buffer.
func TestNEONTile(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	kcs := []int{}
	for kc := 0; kc <= 40; kc++ {
		kcs = append(kcs, kc)
	}
	kcs = append(kcs, 63, 64, 255, 288, 289, 1000, 2053)
	for _, kc := range kcs {
		for accumulate := 0; accumulate <= 1; accumulate++ {
			for _, ldc := range []int{12, 13, 31} {
				for _, exact := range []bool{false, true} {
					checkNEONTile(t, rng, kc, accumulate, ldc, exact)
				}
			}
		}
	}
}

// checkNEONTile runs one tile. With exact, the operands are small integers,
// so every sum is exact and the result must match bit for bit: that pins
// each accumulator to its row and column. Otherwise the error must stay
// within the forward bound of a float32 recursive sum.
func checkNEONTile(t *testing.T, rng *rand.Rand, kc, accumulate, ldc int, exact bool) {
	t.Helper()
	const mr, nr = 8, 12
	const lead, trail = 7, 11 // odd, so the tile is not 16-byte aligned
	value := func() float32 {
		if exact {
			return float32(rng.IntN(9) - 4)
		}
		return float32(rng.NormFloat64())
	}
	a := make([]float32, kc*mr+1) // +1: a valid pointer when kc == 0
	b := make([]float32, kc*nr+1)
	for i := range a[:kc*mr] {
		a[i] = value()
	}
	for i := range b[:kc*nr] {
		b[i] = value()
	}
	buf := make([]float32, lead+(mr-1)*ldc+nr+trail)
	for i := range buf {
		buf[i] = neonSentinel
	}
	c := buf[lead:]
	before := make([]float32, mr*nr)
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			v := value()
			if accumulate == 0 {
				v = float32(math.NaN()) // must be overwritten, never read
			}
			c[i*ldc+j] = v
			before[i*nr+j] = v
		}
	}
	sgemm8x12NEON(kc, &a[0], &b[0], &c[0], ldc, accumulate)

	what := fmt.Sprintf("kc=%d accumulate=%d ldc=%d exact=%v", kc, accumulate, ldc, exact)
	for i := range buf {
		off := i - lead
		inside := off >= 0 && off/ldc < mr && off%ldc < nr
		if !inside && buf[i] != neonSentinel {
			t.Fatalf("%s: wrote outside the tile at offset %d: %g", what, off, buf[i])
		}
	}
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var want, bound float64
			if accumulate != 0 {
				want = float64(before[i*nr+j])
				bound = math.Abs(want)
			}
			for p := 0; p < kc; p++ {
				prod := float64(a[p*mr+i]) * float64(b[p*nr+j])
				want += prod
				bound += math.Abs(prod)
			}
			got := float64(c[i*ldc+j])
			tol := float64(kc+2) * 0x1p-24 * bound
			if exact {
				tol = 0
			}
			if math.IsNaN(got) || math.Abs(got-want) > tol {
				t.Fatalf("%s: C[%d][%d] = %g, want %g (tolerance %g)", what, i, j, got, want, tol)
			}
		}
	}
}

// TestNEONTileNaNInf: a NaN in one A row reaches only that row, an Inf in
// one B column only that column (operands positive, so Inf cannot cancel).
func TestNEONTileNaNInf(t *testing.T) {
	const mr, nr, kc = 8, 12, 9
	for row := 0; row < mr; row++ {
		col := (row*5 + 3) % nr
		a := make([]float32, kc*mr)
		b := make([]float32, kc*nr)
		for i := range a {
			a[i] = 1 + float32(i%7)/8
		}
		for i := range b {
			b[i] = 1 + float32(i%5)/4
		}
		a[4*mr+row] = float32(math.NaN())
		b[6*nr+col] = float32(math.Inf(1))
		c := make([]float32, mr*nr)
		sgemm8x12NEON(kc, &a[0], &b[0], &c[0], nr, 0)
		for i := 0; i < mr; i++ {
			for j := 0; j < nr; j++ {
				v := float64(c[i*nr+j])
				switch {
				case i == row:
					if !math.IsNaN(v) {
						t.Fatalf("NaN in A row %d: C[%d][%d] = %g", row, i, j, v)
					}
				case j == col:
					if !math.IsInf(v, 1) {
						t.Fatalf("Inf in B column %d: C[%d][%d] = %g", col, i, j, v)
					}
				case math.IsNaN(v) || math.IsInf(v, 0):
					t.Fatalf("NaN row %d, Inf column %d leaked to C[%d][%d] = %g", row, col, i, j, v)
				}
			}
		}
	}
}

// TestNEONSgemmConvShapes runs the driver with the neon tier on shapes of
// the network's layers that cross every block edge (K past KC, N past NC,
// M past MC) against the generic tier.
func TestNEONSgemmConvShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	ref := NewEngine(generic, 1)
	defer ref.Close()
	e := NewEngine(neonTier, 2)
	defer e.Close()
	for _, s := range [][3]int{{64, 400, 576}, {136, 397, 290}, {9, 1000, 64}, {257, 25, 1152}} {
		m, n, k := s[0], s[1], s[2]
		a, b := randSlice(rng, m*k), randSlice(rng, k*n)
		want, got := randSlice(rng, m*n), make([]float32, m*n)
		copy(got, want)
		bias := randSlice(rng, m)
		ep := Epilogue{Bias: bias, ReLU: true}
		ref.SgemmEpilogue(false, false, m, n, k, 1, a, k, b, n, 0.5, want, n, ep)
		e.SgemmEpilogue(false, false, m, n, k, 1, a, k, b, n, 0.5, got, n, ep)
		for i := range got {
			if d := math.Abs(float64(got[i] - want[i])); d > 2e-6*float64(k) {
				t.Fatalf("m=%d n=%d k=%d: C[%d] = %g, generic %g", m, n, k, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkNEONTile measures the bare micro-kernel on L1-resident panels.
// Under qemu the figure says nothing about speed; on a Pi it is the ceiling
// the blocked driver can reach.
func BenchmarkNEONTile(b *testing.B) {
	for _, kc := range []int{64, 288} {
		b.Run(fmt.Sprintf("kc%d", kc), func(b *testing.B) {
			a := randSlice(rand.New(rand.NewPCG(1, 1)), kc*8)
			bp := randSlice(rand.New(rand.NewPCG(2, 2)), kc*12)
			c := make([]float32, 8*12)
			for i := 0; i < b.N; i++ {
				sgemm8x12NEON(kc, &a[0], &bp[0], &c[0], 12, 1)
			}
			b.ReportMetric(2*8*12*float64(kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkNEONSgemm measures the blocked SGEMM with the neon tier on a
// 3x3 conv layer (64 -> 64 channels at 40x40), one and two threads.
func BenchmarkNEONSgemm(b *testing.B) {
	const m, n, k = 64, 1600, 576
	rng := rand.New(rand.NewPCG(3, 3))
	a, bm, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", threads), func(b *testing.B) {
			e := NewEngine(neonTier, threads)
			defer e.Close()
			pa := PackA(neonTier, false, m, k, a, k)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e.SgemmPacked(pa, false, n, 1, bm, n, 0, c, n, Epilogue{})
			}
			b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
