//go:build !purego

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// edgeTiers are the assembly tiers with an edge kernel.
func edgeTiers() []*Impl {
	var out []*Impl
	for _, im := range asmTiers() {
		if im.sgemmEdge != nil {
			out = append(out, im)
		}
	}
	return out
}

// TestSgemmEdgeKernel runs each edge kernel on every corner (rows 1..MR,
// cols 1..NR) of the full tile, and the pair kernel on rows MR+1..2*MR of
// two panels' tiles, against the full micro-kernel run into scratch on the
// same panels: bit for bit the same sums, stored or added. C ends at a
// guard page (a masked lane that touched memory past the corner would
// fault) and has sentinels before it and between its rows.
func TestSgemmEdgeKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, im := range edgeTiers() {
		mr, nr := im.MR, im.NR
		const maxKC = 131
		a := randSlice(rng, 2*maxKC*mr) // two panels: the second at a[maxKC*mr]
		a1 := &a[maxKC*mr]
		b := randSlice(rng, maxKC*nr)
		full := make([]float32, 2*mr*nr)
		for rows := 1; rows <= 2*mr; rows++ {
			for cols := 1; cols <= nr; cols++ {
				pair := rows > mr
				if pair && cols > im.edgePairCols {
					continue
				}
				const lead = 7
				ldc := cols + 5
				buf := guardedFloats(t, lead+(rows-1)*ldc+cols)
				c := buf[lead:]
				for _, kc := range []int{0, 1, 3, 4, 5, 37, maxKC} {
					for accumulate := 0; accumulate <= 1; accumulate++ {
						for i := range buf {
							buf[i] = tileSentinel
						}
						for i := range full {
							full[i] = float32(i%11) - 5
						}
						for i := 0; i < rows; i++ {
							copy(c[i*ldc:i*ldc+cols], full[i*nr:])
						}
						im.sgemmTile(kc, &a[0], &b[0], &full[0], nr, accumulate)
						im.sgemmTile(kc, a1, &b[0], &full[mr*nr], nr, accumulate)
						if pair {
							im.sgemmEdgePair(kc, &a[0], a1, &b[0], &c[0], ldc, accumulate, rows, cols)
						} else {
							im.sgemmEdge(kc, &a[0], &b[0], &c[0], ldc, accumulate, rows, cols)
						}
						for idx, v := range buf {
							off := idx - lead
							i, j := off/ldc, off%ldc
							if off >= 0 && i < rows && j < cols {
								if want := full[i*nr+j]; v != want {
									t.Fatalf("%s %dx%d kc=%d accumulate=%d: C[%d][%d] = %v, the full tile's %v",
										im.Name, rows, cols, kc, accumulate, i, j, v, want)
								}
							} else if v != tileSentinel {
								t.Fatalf("%s %dx%d kc=%d accumulate=%d: wrote %v outside the corner at offset %d (ldc %d)",
									im.Name, rows, cols, kc, accumulate, v, off, ldc)
							}
						}
					}
				}
			}
		}
	}
}

// TestSgemmEdgeDriver runs SGEMMs of every N from 1 to 150 (odd M and K,
// sums over one and two KC blocks, both B layouts, each beta and the
// epilogue) on each tier with edge kernels and on the same tier without
// them (the full tile into scratch and a copy): the results must agree bit
// for bit, guards included, and match gonum. The tier runs with its own
// blocking and with blocks shrunk to an odd number of A panels per MC
// block, so that a pair of panels spans two MC blocks.
func TestSgemmEdgeDriver(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	ms := []int{1, 5, 7, 13, 37, 23, 26}
	betas := []float32{0, 1, 0.5}
	for _, tier := range edgeTiers() {
		shrunk := *tier
		shrunk.KC, shrunk.MC, shrunk.NC = 19, 3*tier.MR, 2*tier.NR
		for _, im := range []*Impl{tier, &shrunk} {
			ks := []int{1, 3, 37, im.KC + 3}
			scratch := *im
			scratch.sgemmEdge, scratch.sgemmEdgePair, scratch.edgePairCols = nil, nil, 0
			for _, threads := range []int{1, 2} {
				e, ref := NewEngine(im, threads), NewEngine(&scratch, 1)
				for n := 1; n <= 150; n++ {
					if threads == 2 && n%7 != 0 {
						continue
					}
					tc := gemmCase{m: ms[n%len(ms)], n: n, k: ks[n%len(ks)], transB: n%5 == 0,
						alpha: 1, beta: betas[n%len(betas)], bias: n%2 == 0, relu: n%3 == 0}
					tc = tc.withStrides(rng)
					d := newGemmData(tc, rng)
					got, want := d.run(e, tc), d.run(ref, tc)
					if i := firstBitDiff(got, want); i >= 0 {
						t.Fatalf("%s threads=%d %v: buffer index %d is %v with the edge kernel, %v without",
							im.Name, threads, tc, i, got[i], want[i])
					}
					d.compare(t, im.Name+" vs gonum", tc, got, d.gonumRef(tc))
				}
				e.Close()
				ref.Close()
			}
		}
	}
}

// TestSgemmEdgeGuardPage runs SGEMMs of every N from 1 to 150 with B and C
// tight (ldb = ldc = N) and each ending at a guard page: the edge packer's
// masked loads of B's last row and the edge kernels' masked loads and
// stores of C's (beta 1 reads C) must touch nothing past them. Results
// agree bit for bit with the same tier without edge code on plain memory.
func TestSgemmEdgeGuardPage(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	for _, im := range edgeTiers() {
		plain := *im
		plain.sgemmEdge, plain.sgemmEdgePair, plain.edgePairCols, plain.packBEdge = nil, nil, 0, packBEdgeGeneric
		e, ref := NewEngine(im, 1), NewEngine(&plain, 1)
		for n := 1; n <= 150; n++ {
			m, k := []int{13, 7, 20}[n%3], []int{37, im.KC + 5}[n%2]
			a := randSlice(rng, m*k)
			b := guardedFloats(t, k*n)
			copy(b, randSlice(rng, k*n))
			c0 := randSlice(rng, m*n)
			c := guardedFloats(t, m*n)
			copy(c, c0)
			want := append([]float32(nil), c0...)
			ep := Epilogue{Bias: randSlice(rng, m), ReLU: n%2 == 0}
			e.SgemmEpilogue(false, false, m, n, k, 1, a, k, b, n, 1, c, n, ep)
			ref.SgemmEpilogue(false, false, m, n, k, 1, a, k, append([]float32(nil), b...), n, 1, want, n, ep)
			if i := firstBitDiff(c, want); i >= 0 {
				t.Fatalf("%s m=%d n=%d k=%d: C[%d] = %v, %v without edge code", im.Name, m, n, k, i, c[i], want[i])
			}
		}
		e.Close()
		ref.Close()
	}
}

// TestSgemmEdgeExactSums: on data where every sum is exact, the edge
// kernels give the Go reference's sums (k order, fused multiply-adds).
func TestSgemmEdgeExactSums(t *testing.T) {
	for _, im := range edgeTiers() {
		mr, nr := im.MR, im.NR
		const kc = 37
		a, b, want := exactPanels(mr, nr, kc)
		for cols := 1; cols <= nr; cols++ {
			c := make([]float32, mr*cols)
			im.sgemmEdge(kc, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), cols, 0, mr, cols)
			if cols <= im.edgePairCols {
				// Both panels of the pair kernel are a: C's halves are equal.
				c2 := make([]float32, 2*mr*cols)
				im.sgemmEdgePair(kc, unsafe.SliceData(a), unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c2), cols, 0, 2*mr, cols)
				if i := firstBitDiff(c2[:mr*cols], c); i >= 0 {
					t.Fatalf("%s cols=%d: the pair kernel's first panel differs at %d", im.Name, cols, i)
				}
				if i := firstBitDiff(c2[mr*cols:], c); i >= 0 {
					t.Fatalf("%s cols=%d: the pair kernel's second panel differs at %d", im.Name, cols, i)
				}
			}
			for i := 0; i < mr; i++ {
				for j := 0; j < cols; j++ {
					if c[i*cols+j] != want[i*nr+j] {
						t.Fatalf("%s cols=%d: C[%d][%d] = %v, want %v", im.Name, cols, i, j, c[i*cols+j], want[i*nr+j])
					}
				}
			}
		}
	}
}

// TestPackBEdgeVector checks the vector packer of a partial panel against
// the Go one, bit for bit (zeros past cols whatever alpha's sign), with
// src ending at a guard page (the masked load must read nothing past the
// last row's cols values) and a guard band after dst.
func TestPackBEdgeVector(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, nr := range []int{16, 64} {
		for cols := 1; cols < nr; cols++ {
			for _, kc := range []int{0, 1, 3, 128} {
				for _, alpha := range []float32{1, -2.5} {
					ldb := cols + 3
					b := guardedFloats(t, max(kc-1, 0)*ldb+cols)
					for i := range b {
						b[i] = float32(rng.NormFloat64())
					}
					got := make([]float32, kc*nr+11)
					want := make([]float32, kc*nr+11)
					for i := range got {
						got[i], want[i] = tileSentinel, tileSentinel
					}
					packBEdgeVector(got, nr, kc, cols, alpha, b, ldb)
					packBEdgeGeneric(want, nr, kc, cols, alpha, b, ldb)
					if i := firstBitDiff(got, want); i >= 0 {
						t.Fatalf("nr=%d cols=%d kc=%d alpha=%g: dst[%d] = %g, want %g (packed size %d)",
							nr, cols, kc, alpha, i, got[i], want[i], kc*nr)
					}
				}
			}
		}
	}
}

// BenchmarkSgemmEdgeAsm measures the edge kernels on cache-resident panels,
// in GFLOP/s of the columns they keep: a one-vector edge as two 6-row
// calls and as one pair call, and each edge width.
func BenchmarkSgemmEdgeAsm(b *testing.B) {
	const kc = 128
	for _, im := range edgeTiers() {
		a := make([]float32, 2*kc*im.MR)
		bp := make([]float32, kc*im.NR)
		c := make([]float32, 2*im.MR*im.NR)
		report := func(b *testing.B, rows, cols int) {
			b.ReportMetric(2*float64(rows*cols*kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		}
		lanes := im.edgePairCols
		for cols := lanes; cols <= im.NR; cols += lanes {
			b.Run(fmt.Sprintf("%s/6x%d", im.Name, cols), func(b *testing.B) {
				for range b.N {
					im.sgemmEdge(kc, &a[0], &bp[0], &c[0], im.NR, 1, im.MR, cols)
					im.sgemmEdge(kc, &a[kc*im.MR], &bp[0], &c[im.MR*im.NR], im.NR, 1, im.MR, cols)
				}
				report(b, 2*im.MR, cols)
			})
		}
		b.Run(fmt.Sprintf("%s/12x%d", im.Name, lanes), func(b *testing.B) {
			for range b.N {
				im.sgemmEdgePair(kc, &a[0], &a[kc*im.MR], &bp[0], &c[0], im.NR, 1, 2*im.MR, lanes)
			}
			report(b, 2*im.MR, lanes)
		})
	}
}

// TestEpilogueRowsVector checks the vector epilogue against the Go one bit
// for bit, on values that include NaN, infinities and both zeros (v = -0
// with bias -0 gives -0, which ReLU must turn into +0), for every width to
// 40 with and without bias and ReLU; C ends at a guard page and has
// sentinels between its rows.
func TestEpilogueRowsVector(t *testing.T) {
	rng := rand.New(rand.NewPCG(27, 28))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	special := []float32{nan, inf, -inf, 0, float32(math.Copysign(0, -1)), 1e-40, -1e-40}
	for _, rows := range []int{1, 5, 12} {
		for cols := 1; cols <= 40; cols++ {
			ldc := cols + 3
			bias := randSlice(rng, rows)
			bias[0] = float32(math.Copysign(0, -1))
			for variant := range 4 {
				b, relu := bias, variant&2 != 0
				if variant&1 != 0 {
					b = nil
				}
				got := guardedFloats(t, (rows-1)*ldc+cols)
				for i := range got {
					got[i] = tileSentinel
					if i%ldc < cols {
						got[i] = rng.Float32()*2 - 1
						if rng.IntN(4) == 0 {
							got[i] = special[rng.IntN(len(special))]
						}
					}
				}
				want := append([]float32(nil), got...)
				epilogueRowsVector(got, ldc, rows, cols, b, relu)
				epilogueRowsGeneric(want, ldc, rows, cols, b, relu)
				if i := firstBitDiff(got, want); i >= 0 {
					t.Fatalf("rows=%d cols=%d bias=%v relu=%v: c[%d] = %g (%#x), want %g (%#x)", rows, cols, b != nil, relu,
						i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
				}
			}
		}
	}
}

// BenchmarkEpilogueRows times the bias+ReLU epilogue of one 6x64 tile, Go
// against vector.
func BenchmarkEpilogueRows(b *testing.B) {
	c, bias := make([]float32, 6*64), make([]float32, 6)
	for _, f := range []struct {
		name string
		run  func(c []float32, ldc, rows, cols int, bias []float32, relu bool)
	}{{"go", epilogueRowsGeneric}, {"vector", epilogueRowsVector}} {
		b.Run(f.name, func(b *testing.B) {
			for range b.N {
				f.run(c, 64, 6, 64, bias, true)
			}
		})
	}
}
