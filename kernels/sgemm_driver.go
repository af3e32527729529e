package kernels

import "unsafe"

// sgemmJob is one SGEMM on the shared loop nest (gemmLoop): B is packed
// per KC x NC block as alpha*op(B), A comes pre-packed, tiles run in place
// in C (edges through scratch), and the bias/ReLU epilogue runs on each
// tile as its last K block finishes.
type sgemmJob struct {
	impl        *Impl
	loop        gemmLoop
	k           int
	alpha, beta float32
	a           []float32 // packed panels of A
	transB      bool
	b           []float32
	ldb         int
	c           []float32
	ldc         int
	ep          Epilogue
}

func (j *sgemmJob) runTask(ws *workspace, index int) {
	m0, m1, n0, n1 := j.loop.bounds(index)
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
	j.loop.run(j, ws, m0, m1, n0, n1)
}

func (j *sgemmJob) packB(ws *workspace, slot, p0, kc, j0, cols int) {
	packB(j.impl, ws.bbuf[slot*kc*j.impl.NR:], j.transB, p0, kc, j0, cols, j.alpha, j.b, j.ldb)
}

func (j *sgemmJob) prefetchB(p0, rows, j0, cols int) {
	if !j.transB {
		j.impl.prefetchRows(j.b[p0*j.ldb+j0:], rows, j.ldb, cols)
	}
}

func (j *sgemmJob) tile(ws *workspace, slot, i, jj, rows, cols, p0, kc int, last bool) {
	im := j.impl
	accumulate := 0
	if p0 > 0 || j.beta != 0 {
		accumulate = 1
	}
	// A narrow edge pairs the A panels: the even panel's tile computes both
	// panels' rows, the odd one's is already done. Only with C's rows in
	// one task, so that both panels are the task's.
	panels := 1
	if cols <= im.edgePairCols && j.loop.tm == 1 {
		if i/im.MR%2 == 1 {
			return
		}
		if i+im.MR < j.loop.m {
			panels, rows = 2, im.MR+min(im.MR, j.loop.m-i-im.MR)
		}
	}
	bp := &ws.bbuf[slot*kc*im.NR]
	ap := &j.a[i*j.k+p0*im.MR]
	if next := i + panels*im.MR; j.loop.n <= im.NR && next < j.loop.m {
		// One column panel: each A panel is swept once, straight from
		// memory for a big A, so fetch the next one while this tile runs.
		im.prefetchRows(j.a[next*j.k+p0*im.MR:], 1, 0, kc*im.MR)
	}
	c := &j.c[i*j.ldc+jj]
	switch {
	case panels == 2:
		im.sgemmEdgePair(kc, ap, &j.a[(i+im.MR)*j.k+p0*im.MR], bp, c, j.ldc, accumulate, rows, cols)
	case rows == im.MR && cols == im.NR:
		im.sgemmTile(kc, ap, bp, c, j.ldc, accumulate)
	case im.sgemmEdge != nil:
		im.sgemmEdge(kc, ap, bp, c, j.ldc, accumulate, rows, cols)
	default:
		j.edgeTile(ws.tile, kc, ap, bp, i, jj, rows, cols, accumulate)
	}
	if last {
		j.epilogue(i, i+rows, jj, jj+cols)
	}
}

// edgeTile runs the micro-kernel into a scratch tile and copies the part
// that lies inside C, so nothing outside C is ever written: the edge of a
// tier without an edge kernel.
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
func (j *sgemmJob) epilogue(m0, m1, n0, n1 int) {
	if j.ep.Bias == nil && !j.ep.ReLU {
		return
	}
	var bias []float32
	if j.ep.Bias != nil {
		bias = j.ep.Bias[m0:m1]
	}
	j.impl.epilogueRows(j.c[m0*j.ldc+n0:], j.ldc, m1-m0, n1-n0, bias, j.ep.ReLU)
}

// epilogueRowsGeneric adds bias[i] (none if bias is nil) to row i of the
// rows x cols block c (row stride ldc) and applies ReLU. ReLU is a
// branch-free max (about half of a layer's activations are negative, so a
// compare-and-branch mispredicts); max keeps NaN as NaN, like torch.relu.
func epilogueRowsGeneric(c []float32, ldc, rows, cols int, bias []float32, relu bool) {
	for i := range rows {
		row := c[i*ldc : i*ldc+cols]
		var b float32
		if bias != nil {
			b = bias[i]
		}
		if relu {
			for j, v := range row {
				row[j] = max(v+b, 0)
			}
			continue
		}
		for j, v := range row {
			row[j] = v + b
		}
	}
}

// prefetchNone is the prefetch of tiers without one.
func prefetchNone(b []float32, rows, ld, cols int) {}
