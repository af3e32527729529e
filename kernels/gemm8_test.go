package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// int8Sizes are the m, n, k values of the int8 table: the float table's
// sizes plus every int8 tier's tile (and K group of 4) +-1.
func int8Sizes() []int {
	set := map[int]bool{}
	for _, v := range testSizes() {
		set[v] = true
	}
	for _, im := range int8Tiers {
		for _, t := range []int{im.MR, im.NR, 2 * im.MR, 2 * im.NR, 4, 8, 16} {
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

type gemm8Case struct {
	m, n, k       int
	lda, ldb, ldc int
	fill          string // "random", "min", "max", "mixed": the extreme values everywhere; "sym*": A without -128 (fills8)
}

func (c gemm8Case) String() string {
	return fmt.Sprintf("m=%d n=%d k=%d lda=%d ldb=%d ldc=%d %s", c.m, c.n, c.k, c.lda, c.ldb, c.ldc, c.fill)
}

func gemm8Table() []gemm8Case {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := int8Sizes()
	pick := func() int { return sizes[rng.IntN(len(sizes))] }
	var out []gemm8Case
	add := func(m, n, k int, fill string) {
		out = append(out, gemm8Case{m: m, n: n, k: k, lda: k + rng.IntN(3), ldb: n + rng.IntN(3), ldc: n + 1 + rng.IntN(3), fill: fill})
	}
	for _, s := range sizes {
		// A with and without -128: the neon tier has a kernel for each.
		for _, f := range []string{"random", "sym"} {
			add(s, pick(), pick(), f)
			add(pick(), s, pick(), f)
			add(pick(), pick(), s, f)
		}
	}
	for _, f := range []string{"min", "max", "mixed", "sympos", "symneg"} {
		add(pick(), pick(), pick(), f)
		add(17, 33, 70, f)
	}
	add(70, 70, 1000, "min")    // long sums of 128*128
	add(70, 70, 1000, "sympos") // long sums of 127*128
	return out
}

// fills8 returns how gemm8Inputs fills A and B for a case's fill: "sym"
// is A in [-127, 127] (symmetric weights), "sympos" and "symneg" are A =
// -127 and 127 against B = -128, the largest pairs of products.
func fills8(fill string) (a, b string) {
	switch fill {
	case "sym":
		return "sym", "random"
	case "sympos":
		return "-127", "min"
	case "symneg":
		return "max", "min"
	}
	return fill, fill
}

func fill8(rng *rand.Rand, a []int8, how string) {
	for i := range a {
		switch how {
		case "min":
			a[i] = -128
		case "max":
			a[i] = 127
		case "mixed":
			a[i] = []int8{-128, 127}[rng.IntN(2)]
		case "-127":
			a[i] = -127
		case "sym":
			a[i] = int8(rng.IntN(255) - 127)
		default:
			a[i] = int8(rng.IntN(256) - 128)
		}
	}
}

// gemm8Inputs makes A, B, a requantization (random multipliers and shifts
// spanning left and right shifts) and the reference int32 sums.
func gemm8Inputs(tc gemm8Case, seed uint64) (a, b []int8, rq *Requant, ref []int32) {
	rng := rand.New(rand.NewPCG(seed, 9))
	a = make([]int8, max(0, (tc.m-1)*tc.lda+tc.k))
	b = make([]int8, max(0, (tc.k-1)*tc.ldb+tc.n))
	fa, fb := fills8(tc.fill)
	fill8(rng, a, fa)
	fill8(rng, b, fb)
	rq = &Requant{OutZero: int32(rng.IntN(256) - 128), Min: -128, Max: 127}
	if rng.IntN(2) == 0 {
		rq.Min = int8(rq.OutZero) // fused ReLU
	}
	for i := 0; i < tc.m; i++ {
		rq.Bias = append(rq.Bias, int32(rng.IntN(1<<20)-1<<19))
		mult, shift := QuantizeMultiplier(rng.Float64() * []float64{1e-4, 1e-2, 1, 20}[rng.IntN(4)])
		rq.Multiplier = append(rq.Multiplier, mult)
		rq.Shift = append(rq.Shift, shift)
	}
	ref = make([]int32, tc.m*tc.n)
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			var s int32
			for p := 0; p < tc.k; p++ {
				s += int32(a[i*tc.lda+p]) * int32(b[p*tc.ldb+j])
			}
			ref[i*tc.n+j] = s
		}
	}
	return a, b, rq, ref
}

// guard is the sentinel around and between C's rows; a write outside C
// changes it.
const guard8 = 55

func checkGemm8(t *testing.T, what string, tc gemm8Case, e *Engine, a, b []int8, rq *Requant, ref []int32) {
	t.Helper()
	pa := PackA8(e.Int8Impl(), tc.m, tc.k, a, tc.lda)
	pad := 7
	cbuf := make([]int8, pad+max(0, (tc.m-1)*tc.ldc+tc.n)+pad)
	for i := range cbuf {
		cbuf[i] = guard8
	}
	c := cbuf[pad : len(cbuf)-pad]
	e.GemmI8(pa, tc.n, b, tc.ldb, c, tc.ldc, rq)
	abuf := make([]int32, len(cbuf))
	for i := range abuf {
		abuf[i] = guard8
	}
	acc := abuf[pad : len(abuf)-pad]
	e.GemmI8Acc(pa, tc.n, b, tc.ldb, acc, tc.ldc, rq.Bias)
	for idx := range cbuf {
		off := idx - pad
		row, col := off/max(1, tc.ldc), off%max(1, tc.ldc)
		inside := off >= 0 && row < tc.m && col < tc.n
		if !inside {
			if cbuf[idx] != guard8 || abuf[idx] != guard8 {
				t.Fatalf("%s: %v: wrote outside C at offset %d", what, tc, off)
			}
			continue
		}
		sum := rq.Bias[row] + ref[row*tc.n+col]
		q := int64(rq.OutZero) + int64(MultiplyByQuantizedMultiplier(sum, rq.Multiplier[row], rq.Shift[row]))
		want := int8(min(max(q, int64(rq.Min)), int64(rq.Max)))
		if abuf[idx] != sum {
			t.Fatalf("%s: %v: acc C[%d][%d] = %d, want %d", what, tc, row, col, abuf[idx], sum)
		}
		if cbuf[idx] != want {
			t.Fatalf("%s: %v: C[%d][%d] = %d, want %d (sum %d)", what, tc, row, col, cbuf[idx], want, sum)
		}
	}
}

// TestGemmI8Tiers checks every int8 tier against the plain triple loop on
// the whole table, so each tier is bit-exact with generic.
func TestGemmI8Tiers(t *testing.T) {
	for _, im := range Int8Tiers() {
		t.Run(im.Name, func(t *testing.T) {
			e := NewEngine(generic, 1)
			defer e.Close()
			e.SetInt8(im)
			for i, tc := range gemm8Table() {
				a, b, rq, ref := gemm8Inputs(tc, uint64(i))
				checkGemm8(t, im.Name, tc, e, a, b, rq, ref)
			}
		})
	}
}

// TestGemmI8Threads checks 1..4 threads on shapes large enough to split
// both ways and to span several MC and NC blocks.
func TestGemmI8Threads(t *testing.T) {
	cases := []gemm8Case{
		{m: 301, n: 67, k: 45, lda: 47, ldb: 67, ldc: 70, fill: "random"},
		{m: 13, n: 2100, k: 9, lda: 9, ldb: 2101, ldc: 2103, fill: "mixed"},
		{m: 70, n: 300, k: 70, lda: 70, ldb: 300, ldc: 301, fill: "random"},
	}
	for _, im := range Int8Tiers() {
		for threads := 1; threads <= 4; threads++ {
			e := NewEngine(generic, threads)
			e.SetInt8(im)
			for i, tc := range cases {
				a, b, rq, ref := gemm8Inputs(tc, uint64(100+i))
				checkGemm8(t, fmt.Sprintf("%s/%d threads", im.Name, threads), tc, e, a, b, rq, ref)
			}
			e.Close()
		}
	}
}

// TestConvI8 compares ConvI8 with a direct convolution in which padding
// reads as the zero point.
func TestConvI8(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shapes := []ConvShape{
		{C: 3, H: 9, W: 7, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 5, H: 11, W: 10, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 4, H: 6, W: 6, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1},
		{C: 2, H: 8, W: 9, KH: 3, KW: 2, StrideH: 1, StrideW: 2, PadH: 2, PadW: 1, DilH: 2, DilW: 1},
	}
	for _, im := range Int8Tiers() {
		e := NewEngine(generic, 2)
		e.SetInt8(im)
		for si, s := range shapes {
			oc, batch := 7, 2
			zp := int8(rng.IntN(256) - 128)
			w := make([]int8, oc*s.ColRows())
			src := make([]int8, batch*s.C*s.H*s.W)
			fill8(rng, w, "random")
			fill8(rng, src, "random")
			rq := &Requant{OutZero: -3, Min: -128, Max: 127}
			for o := 0; o < oc; o++ {
				rq.Bias = append(rq.Bias, int32(rng.IntN(2000)-1000))
				m, sh := QuantizeMultiplier(0.001 + 0.01*rng.Float64())
				rq.Multiplier, rq.Shift = append(rq.Multiplier, m), append(rq.Shift, sh)
			}
			n := s.ColCols()
			dst := make([]int8, batch*oc*n)
			col := make([]int8, s.ColRows()*n)
			e.ConvI8(s, batch, PackA8(im, oc, s.ColRows(), w, s.ColRows()), src, zp, dst, col, rq)
			for b := 0; b < batch; b++ {
				for o := 0; o < oc; o++ {
					for oy := 0; oy < s.OutH(); oy++ {
						for ox := 0; ox < s.OutW(); ox++ {
							sum := rq.Bias[o]
							for c := 0; c < s.C; c++ {
								for ky := 0; ky < s.KH; ky++ {
									for kx := 0; kx < s.KW; kx++ {
										y, x := oy*s.StrideH-s.PadH+ky*s.DilH, ox*s.StrideW-s.PadW+kx*s.DilW
										v := zp
										if y >= 0 && y < s.H && x >= 0 && x < s.W {
											v = src[((b*s.C+c)*s.H+y)*s.W+x]
										}
										sum += int32(v) * int32(w[o*s.ColRows()+(c*s.KH+ky)*s.KW+kx])
									}
								}
							}
							q := int64(rq.OutZero) + int64(MultiplyByQuantizedMultiplier(sum, rq.Multiplier[o], rq.Shift[o]))
							want := int8(min(max(q, -128), 127))
							if got := dst[(b*oc+o)*n+oy*s.OutW()+ox]; got != want {
								t.Fatalf("%s shape %d: out[%d][%d][%d][%d] = %d, want %d", im.Name, si, b, o, oy, ox, got, want)
							}
						}
					}
				}
			}
		}
		e.Close()
	}
}

// TestPackA8RowSums checks the row sums the VNNI offset and zero-point
// folding rely on.
func TestPackA8RowSums(t *testing.T) {
	a := []int8{-128, 127, 5, 0, 9, // row 0 (lda 5, k 3)
		1, 2, 3, 0, 0}
	p := PackA8(generic8, 2, 3, a, 5)
	if p.RowSums[0] != 4 || p.RowSums[1] != 6 {
		t.Fatalf("row sums %v, want [4 6 ...]", p.RowSums)
	}
	for _, v := range p.RowSums[2:] {
		if v != 0 {
			t.Fatalf("row sums past M %v, want zeros", p.RowSums)
		}
	}
}

func TestGemmI8NoAllocs(t *testing.T) {
	e := NewEngine(nil, 2)
	defer e.Close()
	tc := gemm8Case{m: 40, n: 50, k: 30, lda: 30, ldb: 50, ldc: 50, fill: "random"}
	a, b, rq, _ := gemm8Inputs(tc, 1)
	pa := PackA8(e.Int8Impl(), tc.m, tc.k, a, tc.lda)
	c := make([]int8, tc.m*tc.n)
	e.GemmI8(pa, tc.n, b, tc.ldb, c, tc.ldc, rq)
	if n := testing.AllocsPerRun(10, func() { e.GemmI8(pa, tc.n, b, tc.ldb, c, tc.ldc, rq) }); n != 0 {
		t.Fatalf("GemmI8 allocates %v times per call", n)
	}
}

func TestGemmI8BadShapes(t *testing.T) {
	e := NewEngine(nil, 1)
	defer e.Close()
	a := make([]int8, 12)
	pa := PackA8(e.Int8Impl(), 3, 4, a, 4)
	b := make([]int8, 20)
	good := func() *Requant {
		return &Requant{Bias: make([]int32, 3), Multiplier: make([]int32, 3), Shift: make([]int, 3), Min: -128, Max: 127}
	}
	cases := map[string]func(){
		"short C":          func() { e.GemmI8(pa, 5, b, 5, make([]int8, 14), 5, good()) },
		"short B":          func() { e.GemmI8(pa, 5, b[:19], 5, make([]int8, 15), 5, good()) },
		"short ldc":        func() { e.GemmI8(pa, 5, b, 5, make([]int8, 15), 4, good()) },
		"short multiplier": func() { r := good(); r.Multiplier = r.Multiplier[:2]; e.GemmI8(pa, 5, b, 5, make([]int8, 15), 5, r) },
		"bad shift":        func() { r := good(); r.Shift[1] = 40; e.GemmI8(pa, 5, b, 5, make([]int8, 15), 5, r) },
		"empty clamp":      func() { r := good(); r.Min, r.Max = 5, 4; e.GemmI8(pa, 5, b, 5, make([]int8, 15), 5, r) },
		"short acc bias":   func() { e.GemmI8Acc(pa, 5, b, 5, make([]int32, 15), 5, make([]int32, 2)) },
		"short A":          func() { PackA8(generic8, 3, 4, a[:11], 4) },
	}
	for name, f := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestGemmI8SaturatingMultiplier runs rows whose multiplier is MinInt32,
// the one SaturatingRoundingDoublingHighMul overflow the SIMD kernels leave
// to the Go loop, with sums reaching MinInt32.
func TestGemmI8SaturatingMultiplier(t *testing.T) {
	tc := gemm8Case{m: 13, n: 70, k: 9, lda: 9, ldb: 70, ldc: 71, fill: "random"}
	for _, im := range Int8Tiers() {
		e := NewEngine(generic, 1)
		e.SetInt8(im)
		a, b, rq, ref := gemm8Inputs(tc, 77)
		for i := 0; i < tc.m; i += 2 {
			rq.Multiplier[i], rq.Shift[i] = math.MinInt32, 0
			rq.Bias[i] = math.MinInt32 - ref[i*tc.n+i] // C[i][i]'s sum is MinInt32
		}
		checkGemm8(t, im.Name, tc, e, a, b, rq, ref)
		e.Close()
	}
}

// TestGemmI8SharedLayout runs A panels packed for one tier on every other
// tier with the same layout (MR and A width): the engine's tier decides the
// offset and the requantization.
func TestGemmI8SharedLayout(t *testing.T) {
	tc := gemm8Case{m: 19, n: 37, k: 23, lda: 23, ldb: 37, ldc: 40, fill: "random"}
	a, b, rq, ref := gemm8Inputs(tc, 5)
	for _, packed := range Int8Tiers() {
		for _, run := range Int8Tiers() {
			if run == packed || run.MR != packed.MR || run.wideA != packed.wideA {
				continue
			}
			e := NewEngine(generic, 1)
			e.SetInt8(run)
			pa := PackA8(packed, tc.m, tc.k, a, tc.lda)
			c := make([]int8, tc.m*tc.ldc)
			e.GemmI8(pa, tc.n, b, tc.ldb, c, tc.ldc, rq)
			for i := 0; i < tc.m; i++ {
				for j := 0; j < tc.n; j++ {
					q := int64(rq.OutZero) + int64(MultiplyByQuantizedMultiplier(rq.Bias[i]+ref[i*tc.n+j], rq.Multiplier[i], rq.Shift[i]))
					if want := int8(min(max(q, int64(rq.Min)), int64(rq.Max))); c[i*tc.ldc+j] != want {
						t.Fatalf("packed for %s, run on %s: C[%d][%d] = %d, want %d", packed.Name, run.Name, i, j, c[i*tc.ldc+j], want)
					}
				}
			}
			e.Close()
		}
	}
}

func TestChooseInt8(t *testing.T) {
	if got := chooseInt8("generic"); got != generic8 {
		t.Errorf("RETINA_KERNELS=generic gives int8 tier %s", got.Name)
	}
	for _, ft := range Tiers() {
		// A float tier name gives an int8 tier of that level or below.
		got := chooseInt8(ft.Name)
		if lvl, err := Lookup(got.level); err != nil || indexOf(Tiers(), lvl) < indexOf(Tiers(), ft) {
			t.Errorf("RETINA_KERNELS=%s gives int8 tier %s of level %s", ft.Name, got.Name, got.level)
		}
	}
	for _, t8 := range Int8Tiers() {
		// An int8 tier name selects it, and its level for the float kernels.
		if got := chooseInt8(t8.Name); got != t8 {
			t.Errorf("RETINA_KERNELS=%s gives int8 tier %s", t8.Name, got.Name)
		}
		if got := chooseActive(t8.Name); got.Name != t8.level {
			t.Errorf("RETINA_KERNELS=%s gives float tier %s, want %s", t8.Name, got.Name, t8.level)
		}
	}
	if got := chooseInt8("no-such-tier"); got != int8Tiers[0] {
		t.Errorf("unknown name gives %s, want the best tier %s", got.Name, int8Tiers[0].Name)
	}
	if got := chooseInt8(""); got != int8Tiers[0] {
		t.Errorf("no name gives %s, want %s", got.Name, int8Tiers[0].Name)
	}
}

func indexOf[T comparable](list []T, v T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}
