package kernels

import "unsafe"

// sgemmJob is one SGEMM split into tm x tn tasks over C's register tiles.
// The loops are BLIS's: for each NC block of columns, for each KC block of
// the sum, pack B once (panel by panel, during the first MC block), and
// sweep MC x KC blocks of the pre-packed A with the micro-kernel. The K blocking is fixed per tier, so every element of C
// is summed in the same order whatever the split.
type sgemmJob struct {
	impl        *Impl
	m, n, k     int
	alpha, beta float32
	a           []float32 // packed panels of A
	transB      bool
	b           []float32
	ldb         int
	c           []float32
	ldc         int
	ep          Epilogue
	tm, tn      int
}

func (j *sgemmJob) runTask(ws *workspace, index int) {
	im := j.impl
	mr, nr := im.MR, im.NR
	p0, p1 := share(ceilDiv(j.m, mr), j.tm, index/j.tn)
	q0, q1 := share(ceilDiv(j.n, nr), j.tn, index%j.tn)
	m0, m1 := p0*mr, min(p1*mr, j.m)
	n0, n1 := q0*nr, min(q1*nr, j.n)
	if m0 >= m1 || n0 >= n1 {
		return
	}
	if j.alpha == 0 || j.k == 0 {
		j.scaleC(m0, m1, n0, n1)
		j.epilogue(m0, m1, n0, n1)
		return
	}
	if j.beta != 0 && j.beta != 1 {
		j.scaleC(m0, m1, n0, n1)
	}
	for jc := n0; jc < n1; jc += im.NC {
		nc := min(im.NC, n1-jc)
		for pc := 0; pc < j.k; pc += im.KC {
			kc := min(im.KC, j.k-pc)
			accumulate := 0
			if pc > 0 || j.beta != 0 {
				accumulate = 1
			}
			last := pc+kc == j.k
			for ic := m0; ic < m1; ic += im.MC {
				mc := min(im.MC, m1-ic)
				for jr := 0; jr < nc; jr += nr {
					// With one MC block, no panel is used twice: packing
					// them all into the same slot keeps it hot in L1.
					slot := jr / nr
					if m1-m0 <= im.MC {
						slot = 0
					}
					panel := ws.bbuf[slot*kc*nr:]
					cols := min(nr, nc-jr)
					if ic == m0 {
						// Pack each B panel just before its first use, so
						// that the first sweep finds it in L1; later MC
						// blocks reuse the packed block.
						packB(panel, nr, j.transB, pc, kc, jc+jr, cols, j.alpha, j.b, j.ldb)
					}
					bp := &panel[0]
					// While this panel's tiles run, fetch the source of the
					// next one, a slice of its rows per tile, so that its
					// packing finds them in cache.
					next, nextCols, step := 0, 0, 0
					if ic == m0 && !j.transB && jr+nr < nc {
						next, nextCols = jc+jr+nr, min(nr, nc-jr-nr)
						step = ceilDiv(kc, ceilDiv(mc, mr))
					}
					for ir := 0; ir < mc; ir += mr {
						i := ic + ir
						if step > 0 {
							if r0 := ir / mr * step; r0 < kc {
								prefetchRows(j.b[(pc+r0)*j.ldb+next:], min(step, kc-r0), j.ldb, nextCols)
							}
						}
						ap := &j.a[i*j.k+pc*mr]
						rows := min(mr, m1-i)
						if rows == mr && cols == nr {
							im.sgemmTile(kc, ap, bp, &j.c[i*j.ldc+jc+jr], j.ldc, accumulate)
						} else {
							j.edgeTile(ws.tile, kc, ap, bp, i, jc+jr, rows, cols, accumulate)
						}
						if last {
							j.epilogue(i, i+rows, jc+jr, jc+jr+cols)
						}
					}
				}
			}
		}
	}
}

// edgeTile runs the micro-kernel into a scratch tile and copies the part
// that lies inside C, so nothing outside C is ever written.
func (j *sgemmJob) edgeTile(tile []float32, kc int, ap, bp *float32, i, jj, rows, cols, accumulate int) {
	nr := j.impl.NR
	j.impl.sgemmTile(kc, ap, bp, unsafe.SliceData(tile), nr, 0)
	for r := 0; r < rows; r++ {
		dst := j.c[(i+r)*j.ldc+jj : (i+r)*j.ldc+jj+cols]
		src := tile[r*nr : r*nr+cols]
		if accumulate != 0 {
			for c, v := range src {
				dst[c] += v
			}
		} else {
			copy(dst, src)
		}
	}
}

// scaleC sets C = beta*C on a block; beta == 0 clears it without reading,
// so NaNs already in C do not survive, as BLAS specifies.
func (j *sgemmJob) scaleC(m0, m1, n0, n1 int) {
	for i := m0; i < m1; i++ {
		row := j.c[i*j.ldc+n0 : i*j.ldc+n1]
		switch j.beta {
		case 0:
			clear(row)
		case 1:
		default:
			for c := range row {
				row[c] *= j.beta
			}
		}
	}
}

// epilogue adds the per-row bias and applies ReLU on a finished block.
// ReLU is a branch-free max (about half of a layer's activations are
// negative, so a compare-and-branch mispredicts); max keeps NaN as NaN, like
// torch.relu.
func (j *sgemmJob) epilogue(m0, m1, n0, n1 int) {
	if j.ep.Bias == nil && !j.ep.ReLU {
		return
	}
	for i := m0; i < m1; i++ {
		row := j.c[i*j.ldc+n0 : i*j.ldc+n1]
		var bias float32
		if j.ep.Bias != nil {
			bias = j.ep.Bias[i]
		}
		if j.ep.ReLU {
			for c, v := range row {
				row[c] = max(v+bias, 0)
			}
			continue
		}
		for c, v := range row {
			row[c] = v + bias
		}
	}
}

// prefetchRows asks for rows x cols values of b (row stride ld) to be
// brought into cache; a hint with no effect on results. The amd64 build
// issues prefetch instructions; elsewhere it does nothing.
var prefetchRows = func(b []float32, rows, ld, cols int) {}
