package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// guard is the sentinel written around and between C's rows: any write
// outside C changes it.
const guard = float32(-7.25e30)

// gemmCase is one SGEMM problem; C lives inside a guarded buffer.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	lda, ldb, ldc  int
	alpha, beta    float32
	bias, relu     bool
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v tB=%v m=%d n=%d k=%d lda=%d ldb=%d ldc=%d alpha=%g beta=%g bias=%v relu=%v",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.lda, tc.ldb, tc.ldc, tc.alpha, tc.beta, tc.bias, tc.relu)
}

// gemmData holds the operands of a case; c has guard bands of pad elements.
type gemmData struct {
	a, b, c0, bias []float32
	pad            int
}

func dims(trans bool, rows, cols int) (int, int) {
	if trans {
		return cols, rows
	}
	return rows, cols
}

func newGemmData(tc gemmCase, rng *rand.Rand) gemmData {
	ar, _ := dims(tc.transA, tc.m, tc.k)
	br, _ := dims(tc.transB, tc.k, tc.n)
	d := gemmData{pad: 37}
	d.a = randSlice(rng, max(ar*tc.lda, 1))
	d.b = randSlice(rng, max(br*tc.ldb, 1))
	d.c0 = make([]float32, tc.m*tc.ldc+2*d.pad)
	for i := range d.c0 {
		d.c0[i] = guard
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			d.c0[d.pad+i*tc.ldc+j] = rng.Float32()*2 - 1
		}
	}
	if tc.bias {
		d.bias = randSlice(rng, tc.m)
	}
	return d
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// run computes the case on engine e and returns the whole guarded buffer.
func (d gemmData) run(e *Engine, tc gemmCase) []float32 {
	c := append([]float32(nil), d.c0...)
	ep := Epilogue{Bias: d.bias, ReLU: tc.relu}
	e.SgemmEpilogue(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, d.a, tc.lda, d.b, tc.ldb, tc.beta,
		c[d.pad:d.pad+max(tc.m*tc.ldc-(tc.ldc-tc.n), 0)], tc.ldc, ep)
	return c
}

// gonumRef computes the case with gonum's pure-Go blas32 and applies the
// epilogue: an independent reference.
func (d gemmData) gonumRef(tc gemmCase) []float32 {
	c := append([]float32(nil), d.c0...)
	ar, ac := dims(tc.transA, tc.m, tc.k)
	br, bc := dims(tc.transB, tc.k, tc.n)
	tA, tB := blas.NoTrans, blas.NoTrans
	if tc.transA {
		tA = blas.Trans
	}
	if tc.transB {
		tB = blas.Trans
	}
	if tc.m > 0 && tc.n > 0 {
		blas32.Gemm(tA, tB, tc.alpha,
			blas32.General{Rows: ar, Cols: ac, Stride: tc.lda, Data: d.a},
			blas32.General{Rows: br, Cols: bc, Stride: tc.ldb, Data: d.b},
			tc.beta, blas32.General{Rows: tc.m, Cols: tc.n, Stride: tc.ldc, Data: c[d.pad:]})
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			v := c[d.pad+i*tc.ldc+j]
			if d.bias != nil {
				v += d.bias[i]
			}
			if tc.relu && v < 0 {
				v = 0
			}
			c[d.pad+i*tc.ldc+j] = v
		}
	}
	return c
}

// compare checks got against want: guards untouched, NaN where NaN, and
// values within a tolerance scaled by k (FMA and blocking reorder sums).
func (d gemmData) compare(t *testing.T, what string, tc gemmCase, got, want []float32) {
	t.Helper()
	tol := float64(1e-5) * float64(tc.k+4)
	for i, g := range got {
		w := want[i]
		row, col := (i-d.pad)/max(tc.ldc, 1), (i-d.pad)%max(tc.ldc, 1)
		inside := i >= d.pad && i-d.pad < tc.m*tc.ldc && col < tc.n
		if !inside {
			if g != guard {
				t.Fatalf("%s: %v: wrote outside C at buffer index %d (row %d col %d): %g", what, tc, i, row, col, g)
			}
			continue
		}
		gn, wn := math.IsNaN(float64(g)), math.IsNaN(float64(w))
		if gn != wn || (!gn && math.Abs(float64(g-w)) > tol*math.Max(1, math.Abs(float64(w)))) {
			if math.IsInf(float64(g), 0) && g == w {
				continue
			}
			t.Fatalf("%s: %v: C[%d][%d] = %g, want %g", what, tc, row, col, g, w)
		}
	}
}

// testSizes are the m, n, k values the table covers: 1..70 with primes and
// every tier's tile size +-1.
func testSizes() []int {
	set := map[int]bool{}
	for _, v := range []int{1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 70} {
		set[v] = true
	}
	for _, im := range tiers {
		for _, t := range []int{im.MR, im.NR, 2 * im.MR, 2 * im.NR} {
			for _, v := range []int{t - 1, t, t + 1} {
				if v >= 1 && v <= 70 {
					set[v] = true
				}
			}
		}
	}
	var out []int
	for v := 1; v <= 70; v++ {
		if set[v] {
			out = append(out, v)
		}
	}
	return out
}

// gemmTable is the shared table of cases: every size in each dimension with
// random partners, all transposes, padded strides, the special alphas and
// betas, and the epilogue.
func gemmTable() []gemmCase {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := testSizes()
	alphas := []float32{1, 0, -0.5, 1.75}
	betas := []float32{0, 1, 0.5, -2}
	var out []gemmCase
	pick := func() int { return sizes[rng.IntN(len(sizes))] }
	for i, s := range sizes {
		for dim := 0; dim < 3; dim++ {
			for tr := 0; tr < 4; tr++ {
				tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: pick(), n: pick(), k: pick()}
				switch dim {
				case 0:
					tc.m = s
				case 1:
					tc.n = s
				default:
					tc.k = s
				}
				tc.alpha = alphas[(i+dim+tr)%len(alphas)]
				tc.beta = betas[(i+2*dim+tr)%len(betas)]
				tc.bias = (i+tr)%3 == 0
				tc.relu = (i+dim)%2 == 0
				out = append(out, tc.withStrides(rng))
			}
		}
	}
	// Sums longer than one KC block and blocks past MC and NC.
	for _, tc := range []gemmCase{
		{m: 37, n: 45, k: 700, alpha: 1, beta: 0},
		{transA: true, m: 150, n: 70, k: 530, alpha: 1, beta: 1, bias: true, relu: true},
		{transB: true, m: 29, n: 2100, k: 300, alpha: 0.5, beta: 0.5},
		{transA: true, transB: true, m: 3, n: 2200, k: 270, alpha: 1, beta: 0, bias: true},
		{m: 0, n: 5, k: 3, alpha: 1}, {m: 5, n: 0, k: 3, alpha: 1}, {m: 5, n: 4, k: 0, alpha: 1, beta: 0.5, bias: true},
	} {
		out = append(out, tc.withStrides(rng))
	}
	return out
}

// withStrides sets leading dimensions, most of them larger than the width.
func (tc gemmCase) withStrides(rng *rand.Rand) gemmCase {
	_, ac := dims(tc.transA, tc.m, tc.k)
	_, bc := dims(tc.transB, tc.k, tc.n)
	extra := func() int { return []int{0, 1, 3, 17}[rng.IntN(4)] }
	tc.lda, tc.ldb, tc.ldc = max(ac, 1)+extra(), max(bc, 1)+extra(), max(tc.n, 1)+extra()
	return tc
}

// TestSgemmTiers runs the whole table on every tier this CPU has, against
// the generic tier and against gonum's blas32.
func TestSgemmTiers(t *testing.T) {
	table := gemmTable()
	ref := NewEngine(generic, 1)
	defer ref.Close()
	for _, im := range tiers {
		t.Run(im.Name, func(t *testing.T) {
			e := NewEngine(im, 1)
			defer e.Close()
			rng := rand.New(rand.NewPCG(3, 4))
			for _, tc := range table {
				d := newGemmData(tc, rng)
				got := d.run(e, tc)
				d.compare(t, "vs gonum", tc, got, d.gonumRef(tc))
				d.compare(t, "vs generic", tc, got, d.run(ref, tc))
			}
		})
	}
}

// TestSgemmThreadsIdentical: 1..4 threads give bit-identical results, since
// each element's sum order depends only on the tier's K blocking.
func TestSgemmThreadsIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := []gemmCase{
		{m: 67, n: 131, k: 300, alpha: 1, beta: 0, bias: true, relu: true},
		{transA: true, m: 13, n: 700, k: 61, alpha: 1, beta: 1},
		{transB: true, m: 200, n: 7, k: 520, alpha: -1, beta: 0.5},
	}
	for _, im := range tiers {
		for _, tc := range cases {
			tc = tc.withStrides(rng)
			d := newGemmData(tc, rng)
			one := NewEngine(im, 1)
			want := d.run(one, tc)
			one.Close()
			for threads := 2; threads <= 4; threads++ {
				e := NewEngine(im, threads)
				got := d.run(e, tc)
				e.Close()
				if i := firstBitDiff(got, want); i >= 0 {
					t.Fatalf("%s %v: %d threads differ from 1 at %d: %g vs %g", im.Name, tc, threads, i, got[i], want[i])
				}
			}
		}
	}
}

// TestSgemmNaNInf: NaN and Inf in A or B reach exactly the elements of C
// they touch; beta == 0 ignores a NaN already in C, beta != 0 keeps it.
func TestSgemmNaNInf(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, im := range tiers {
		e := NewEngine(im, 2)
		const m, n, k = 19, 37, 23
		rng := rand.New(rand.NewPCG(7, 8))
		tc := gemmCase{m: m, n: n, k: k, lda: k, ldb: n, ldc: n, alpha: 1, beta: 0}
		d := newGemmData(tc, rng)
		for i := range d.a {
			d.a[i] = float32(math.Abs(float64(d.a[i]))) + 0.1 // positive, so Inf cannot cancel
		}
		for i := range d.b {
			d.b[i] = float32(math.Abs(float64(d.b[i]))) + 0.1
		}
		d.a[4*k+5] = nan  // row 4 of C
		d.b[7*n+30] = inf // column 30 of C
		d.c0[d.pad+2*n+3] = nan
		got := d.run(e, tc)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				v := got[d.pad+i*n+j]
				switch {
				case i == 4:
					if !math.IsNaN(float64(v)) {
						t.Fatalf("%s: C[4][%d] = %g, want NaN from A", im.Name, j, v)
					}
				case j == 30:
					if !math.IsInf(float64(v), 1) {
						t.Fatalf("%s: C[%d][30] = %g, want +Inf from B", im.Name, i, v)
					}
				case math.IsNaN(float64(v)) || math.IsInf(float64(v), 0):
					t.Fatalf("%s: C[%d][%d] = %g, want finite (beta 0 must not read C)", im.Name, i, j, v)
				}
			}
		}
		tc.beta = 1
		got = d.run(e, tc)
		if !math.IsNaN(float64(got[d.pad+2*n+3])) {
			t.Fatalf("%s: beta 1 lost the NaN already in C", im.Name)
		}
		e.Close()
	}
}

// TestSgemmPackedMatchesUnpacked: pre-packed weights give the same bits.
func TestSgemmPackedMatchesUnpacked(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, im := range tiers {
		e := NewEngine(im, 2)
		const m, n, k = 45, 77, 290
		a, b := randSlice(rng, m*k), randSlice(rng, k*n)
		bias := randSlice(rng, m)
		want := make([]float32, m*n)
		got := make([]float32, m*n)
		ep := Epilogue{Bias: bias, ReLU: true}
		e.SgemmEpilogue(false, false, m, n, k, 1, a, k, b, n, 0, want, n, ep)
		e.SgemmPacked(PackA(im, false, m, k, a, k), false, n, 1, b, n, 0, got, n, ep)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: packed differs at %d: %g vs %g", im.Name, i, got[i], want[i])
			}
		}
		e.Close()
	}
}

// TestSgemmNoAllocs: a warmed engine allocates nothing per call.
func TestSgemmNoAllocs(t *testing.T) {
	e := NewEngine(nil, 2)
	defer e.Close()
	const m, n, k = 64, 300, 150
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	pa := PackA(e.Impl(), false, m, k, a, k)
	allocs := testing.AllocsPerRun(20, func() {
		e.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		e.SgemmPacked(pa, false, n, 1, b, n, 0, c, n, Epilogue{ReLU: true})
	})
	if allocs != 0 {
		t.Fatalf("Sgemm allocates %v times per call after warm-up", allocs)
	}
}

// TestSgemmBadShapes: argument errors panic with a message, like BLAS.
func TestSgemmBadShapes(t *testing.T) {
	e := NewEngine(generic, 1)
	defer e.Close()
	expectPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Fatalf("%s: no panic", name)
			}
		}()
		f()
	}
	expectPanic("short A", func() {
		e.Sgemm(false, false, 3, 3, 3, 1, make([]float32, 8), 3, make([]float32, 9), 3, 0, make([]float32, 9), 3)
	})
	expectPanic("small lda", func() {
		e.Sgemm(false, false, 3, 3, 3, 1, make([]float32, 9), 2, make([]float32, 9), 3, 0, make([]float32, 9), 3)
	})
	expectPanic("short C", func() {
		e.Sgemm(false, false, 3, 3, 3, 1, make([]float32, 9), 3, make([]float32, 9), 3, 0, make([]float32, 8), 3)
	})
	expectPanic("short bias", func() {
		e.SgemmEpilogue(false, false, 3, 3, 3, 1, make([]float32, 9), 3, make([]float32, 9), 3, 0, make([]float32, 9), 3, Epilogue{Bias: make([]float32, 2)})
	})
}

// firstBitDiff is the first index where got and want differ in their bits
// (the tiers must agree bit for bit), or -1.
func firstBitDiff(got, want []float32) int {
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			return i
		}
	}
	return -1
}
