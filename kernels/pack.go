package kernels

import "fmt"

// PackedA is the left operand of an SGEMM laid out for one tier's
// micro-kernel: ceil(M/MR) panels, each K steps of MR values (rows past M
// are zero). Conv weights are packed once at load time and reused.
type PackedA struct {
	impl *Impl
	M, K int
	data []float32
}

// Impl returns the tier the panels were laid out for.
func (p *PackedA) Impl() *Impl { return p.impl }

// PackA lays out op(A) (m x k; A is k x m when transA) for impl's micro-kernel.
func PackA(impl *Impl, transA bool, m, k int, a []float32, lda int) *PackedA {
	checkMatrix("A", transA, m, k, a, lda)
	p := &PackedA{impl: impl, M: m, K: k, data: make([]float32, packedASize(impl, m, k))}
	packA(impl, p.data, transA, m, k, a, lda)
	return p
}

func packedASize(impl *Impl, m, k int) int { return ceilDiv(m, impl.MR) * impl.MR * k }

// packABlock is how many k steps packA lays out per pass over a panel's rows.
const packABlock = 256

// packA writes op(A) as panels of im.MR rows: dst[(panel*k+p)*mr+r] = op(A)[panel*mr+r][p].
func packA(im *Impl, dst []float32, transA bool, m, k int, a []float32, lda int) {
	mr := im.MR
	if k == 0 {
		return // empty panels; A need not hold a single row
	}
	for i0 := 0; i0 < m; i0 += mr {
		panel := dst[i0*k : i0*k+mr*k]
		rows := min(mr, m-i0)
		if transA {
			// op(A)[i][p] = a[p*lda+i]: each step reads rows contiguous values.
			for p := 0; p < k; p++ {
				out := panel[p*mr : p*mr+mr]
				copy(out, a[p*lda+i0:p*lda+i0+rows])
				clear(out[rows:])
			}
			continue
		}
		if rows == mr {
			im.packARows(panel, mr, k, a[i0*lda:], lda)
			continue
		}
		packARowsGeneric(panel, rows, mr, k, a[i0*lda:], lda)
		for r := rows; r < mr; r++ {
			for p := 0; p < k; p++ {
				panel[p*mr+r] = 0
			}
		}
	}
}

// packARowsFull is the generic tier's packARows: a full panel of mr rows.
func packARowsFull(panel []float32, mr, k int, a []float32, lda int) {
	packARowsGeneric(panel, mr, mr, k, a, lda)
}

// packARowsGeneric: panel[p*mr+r] = a[r*lda+p] for r < rows, p < k. Blocks
// of packABlock steps keep the strided writes of all rows inside one
// L1-sized piece of the panel.
func packARowsGeneric(panel []float32, rows, mr, k int, a []float32, lda int) {
	for p0 := 0; p0 < k; p0 += packABlock {
		p1 := min(k, p0+packABlock)
		for r := 0; r < rows; r++ {
			row := a[r*lda+p0 : r*lda+p1]
			out := panel[p0*mr+r : p1*mr]
			for p, v := range row {
				out[p*mr] = v
			}
		}
	}
}

// packB writes alpha*op(B)[k0:k0+kc, j0:j0+nc] as panels of im.NR columns:
// dst[(panel*kc+p)*nr+c] = alpha*op(B)[k0+p][j0+panel*nr+c], zero past nc.
func packB(im *Impl, dst []float32, transB bool, k0, kc, j0, nc int, alpha float32, b []float32, ldb int) {
	nr := im.NR
	q := 0
	if !transB && kc > 0 {
		// Whole panels go through the (possibly vector) bulk copy.
		q = nc / nr
		im.packBPanels(dst, nr, kc, q, alpha, b[k0*ldb+j0:], ldb)
	}
	for ; q*nr < nc; q++ {
		panel := dst[q*kc*nr : (q+1)*kc*nr]
		cols := min(nr, nc-q*nr)
		jq := j0 + q*nr
		if !transB {
			im.packBEdge(panel, nr, kc, cols, alpha, b[k0*ldb+jq:], ldb)
			continue
		}
		// op(B)[p][j] = b[j*ldb+p]: walk each source row once.
		for c := 0; c < cols; c++ {
			src := b[(jq+c)*ldb+k0 : (jq+c)*ldb+k0+kc]
			for p, v := range src {
				panel[p*nr+c] = alpha * v
			}
		}
		for c := cols; c < nr; c++ {
			for p := 0; p < kc; p++ {
				panel[p*nr+c] = 0
			}
		}
	}
}

// packBEdgeGeneric packs a partial panel: panel[p*nr+c] = alpha*b[p*ldb+c]
// for c < cols, zero for cols <= c < nr, p < kc.
func packBEdgeGeneric(panel []float32, nr, kc, cols int, alpha float32, b []float32, ldb int) {
	for p := 0; p < kc; p++ {
		src := b[p*ldb : p*ldb+cols]
		out := panel[p*nr : p*nr+nr]
		if alpha == 1 {
			copy(out, src)
		} else {
			for c, v := range src {
				out[c] = alpha * v
			}
		}
		clear(out[cols:])
	}
}

// packBPanelsGeneric: dst[(q*kc+p)*nr+c] = alpha*b[p*ldb+q*nr+c] for q < panels.
func packBPanelsGeneric(dst []float32, nr, kc, panels int, alpha float32, b []float32, ldb int) {
	for q := 0; q < panels; q++ {
		for p := 0; p < kc; p++ {
			src := b[p*ldb+q*nr : p*ldb+q*nr+nr]
			out := dst[(q*kc+p)*nr : (q*kc+p)*nr+nr]
			if alpha == 1 {
				copy(out, src)
			} else {
				for c, v := range src {
					out[c] = alpha * v
				}
			}
		}
	}
}

// checkMatrix panics when a cannot hold op(A) of rows x cols with stride ld,
// like a BLAS argument check: a wrong shape is a programming error.
func checkMatrix(name string, trans bool, rows, cols int, a []float32, ld int) {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("kernels: negative dimension for %s: %dx%d", name, rows, cols))
	}
	r, c := rows, cols
	if trans {
		r, c = cols, rows
	}
	if ld < max(1, c) {
		panic(fmt.Sprintf("kernels: leading dimension of %s is %d, less than its width %d", name, ld, c))
	}
	if r > 0 && c > 0 && len(a) < (r-1)*ld+c {
		panic(fmt.Sprintf("kernels: %s has %d elements, needs %d for %dx%d with stride %d", name, len(a), (r-1)*ld+c, r, c, ld))
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
