package kernels

import "unsafe"

// gemm8Job is one int8 GEMM on the shared loop nest (gemmLoop). The sum is
// not split (kc is K rounded up to 4: a row's whole int32 sums fit in the
// tile's registers, and C may be int8), so each B panel holds all of K.
// Every tile lands in an int32 scratch tile, still in L1 when the epilogue
// requantizes it (GemmI8) or adds the bias (GemmI8Acc) into C, so nothing
// outside C is written.
type gemm8Job struct {
	impl  *Int8Impl
	loop  gemmLoop
	pa    *PackedA8
	b     []int8
	ldb   int
	out   int8Out
	rows  []rqRow // per row of C, from Engine.rowConstants
	simd  bool    // the tier's requantization kernel serves every row
	clamp rqClamp
}

func (j *gemm8Job) runTask(ws *workspace, index int) {
	m0, m1, n0, n1 := j.loop.bounds(index)
	if m0 >= m1 || n0 >= n1 {
		return
	}
	im := j.impl
	if need := j.loop.panelSlots(m0, m1, n0, n1) * j.loop.k * im.NR; cap(ws.b8) < need {
		ws.b8 = make([]int8, need)
	}
	if need := im.MR * im.NR; cap(ws.tile32) < need {
		ws.tile32 = make([]int32, need)
		ws.tile8 = make([]int8, need)
	}
	if cap(ws.stage8) < 4*im.NR {
		ws.stage8 = make([]int8, 4*im.NR)
	}
	j.loop.run(j, ws, m0, m1, n0, n1)
}

func (j *gemm8Job) packB(ws *workspace, slot, p0, kc, j0, cols int) {
	nr := j.impl.NR
	packB8(j.impl, ws.b8[slot*kc*nr:(slot+1)*kc*nr], nr, j.pa.K, j0, cols, j.b, j.ldb, ws.stage8)
}

// prefetchB: the int8 B panels are a quarter of the float ones and the
// hardware prefetchers keep up with them.
func (j *gemm8Job) prefetchB(p0, rows, j0, cols int) {}

func (j *gemm8Job) tile(ws *workspace, slot, i, jj, rows, cols, p0, kc int, last bool) {
	im := j.impl
	acc := ws.tile32[:im.MR*im.NR]
	if kc == 0 {
		clear(acc)
	} else {
		tile := im.tile
		if j.pa.minA && im.tileExact != nil {
			tile = im.tileExact
		}
		if w := ceilDiv(cols, max(im.narrowStep, 1)); cols < im.NR && w <= len(im.narrow) {
			tile = im.narrow[w-1]
		}
		tile(kc/4, &j.pa.data[i*j.pa.stride], &ws.b8[slot*kc*im.NR], unsafe.SliceData(acc), im.NR)
	}
	j.store(ws, acc, i, jj, rows, cols)
}

// store writes the rows x cols part of a finished tile at C[i][jj].
func (j *gemm8Job) store(ws *workspace, acc []int32, i, jj, rows, cols int) {
	im, o := j.impl, &j.out
	nr := im.NR
	if o.rq == nil && im.bias != nil {
		if cols%im.rqLanes == 0 {
			im.bias(&o.acc[i*o.ldc+jj], o.ldc, &acc[0], nr, rows, cols, &j.rows[i])
			return
		}
		im.bias(&acc[0], nr, &acc[0], nr, rows, nr, &j.rows[i]) // in place, then the part inside C
		for r := 0; r < rows; r++ {
			copy(o.acc[(i+r)*o.ldc+jj:(i+r)*o.ldc+jj+cols], acc[r*nr:r*nr+cols])
		}
		return
	}
	if o.rq == nil {
		for r := 0; r < rows; r++ {
			add := j.rows[i+r].add
			dst := o.acc[(i+r)*o.ldc+jj : (i+r)*o.ldc+jj+cols]
			for c, v := range acc[r*nr : r*nr+cols] {
				dst[c] = add + v
			}
		}
		return
	}
	if !j.simd {
		for r := 0; r < rows; r++ {
			at := (i+r)*o.ldc + jj
			requantRowGo(o.c[at:at+cols], acc[r*nr:r*nr+cols], &j.rows[i+r], j.clamp)
		}
		return
	}
	cl := &j.clamp
	if cols%im.rqLanes == 0 {
		// C holds rows x cols from here (checked against ldc up front).
		im.requant(&o.c[i*o.ldc+jj], o.ldc, &acc[0], nr, rows, cols, &j.rows[i], cl.lo, cl.hi, cl.zero)
		return
	}
	// Whole vectors into scratch, then the part inside C.
	im.requant(&ws.tile8[0], nr, &acc[0], nr, rows, nr, &j.rows[i], cl.lo, cl.hi, cl.zero)
	for r := 0; r < rows; r++ {
		copy(o.c[(i+r)*o.ldc+jj:(i+r)*o.ldc+jj+cols], ws.tile8[r*nr:r*nr+cols])
	}
}
