//go:build !purego

package kernels

import (
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
// cols 1..NR) of the full tile, against the full micro-kernel run into
// scratch on the same panels: bit for bit the same sums, stored or added.
// C ends at a guard page (a masked lane that touched memory past the
// corner would fault) and has sentinels before it and between its rows.
func TestSgemmEdgeKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, im := range edgeTiers() {
		mr, nr := im.MR, im.NR
		const maxKC = 131
		a := randSlice(rng, maxKC*mr)
		b := randSlice(rng, maxKC*nr)
		full := make([]float32, mr*nr)
		for rows := 1; rows <= mr; rows++ {
			for cols := 1; cols <= nr; cols++ {
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
						im.sgemmEdge(kc, &a[0], &b[0], &c[0], ldc, accumulate, rows, cols)
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
// epilogue) on each tier with an edge kernel and on the same tier with its
// edge kernel removed (the full tile into scratch and a copy): the results
// must agree bit for bit, guards included, and match gonum.
func TestSgemmEdgeDriver(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	ms := []int{1, 5, 7, 13, 37, 23}
	betas := []float32{0, 1, 0.5}
	for _, im := range edgeTiers() {
		ks := []int{1, 3, 37, im.KC + 3}
		scratch := *im
		scratch.sgemmEdge = nil
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

// TestSgemmEdgeExactSums: on data where every sum is exact, the edge
// kernels give the Go reference's sums (k order, fused multiply-adds).
func TestSgemmEdgeExactSums(t *testing.T) {
	for _, im := range edgeTiers() {
		mr, nr := im.MR, im.NR
		const kc = 37
		a := make([]float32, kc*mr)
		b := make([]float32, kc*nr)
		for i := range a {
			a[i] = float32(i%7 - 3)
		}
		for i := range b {
			b[i] = float32(i%5) * 0.5
		}
		for cols := 1; cols <= nr; cols++ {
			c := make([]float32, (mr-1)*cols+cols)
			im.sgemmEdge(kc, unsafe.SliceData(a), unsafe.SliceData(b), unsafe.SliceData(c), cols, 0, mr, cols)
			for i := 0; i < mr; i++ {
				for j := 0; j < cols; j++ {
					var want float32
					for p := 0; p < kc; p++ {
						want += a[p*mr+i] * b[p*nr+j]
					}
					if c[i*cols+j] != want {
						t.Fatalf("%s cols=%d: C[%d][%d] = %v, want %v", im.Name, cols, i, j, c[i*cols+j], want)
					}
				}
			}
		}
	}
}
