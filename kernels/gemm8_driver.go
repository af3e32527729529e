package kernels

import "unsafe"

// gemm8Job is one int8 GEMM split into tm x tn tasks over C's register
// tiles, on the engine's threads and workspaces like sgemmJob. Its loops
// are BLIS's without the K split: for each NC block of columns, for each MC
// block of rows, pack each B panel (whole K) on first use and sweep it over
// the block's A panels. Every tile lands in scratch as int32 and is then
// biased (GemmI8Acc) or requantized (GemmI8) into C, so nothing outside C
// is written.
type gemm8Job struct {
	impl   *Int8Impl
	pa     *PackedA8
	n      int
	b      []int8
	ldb    int
	out    int8Out
	tm, tn int
}

func (j *gemm8Job) runTask(ws *workspace, index int) {
	im := j.impl
	mr, nr := im.MR, im.NR
	m, k4 := j.pa.M, j.pa.K4
	p0, p1 := share(ceilDiv(m, mr), j.tm, index/j.tn)
	q0, q1 := share(ceilDiv(j.n, nr), j.tn, index%j.tn)
	m0, m1 := p0*mr, min(p1*mr, m)
	n0, n1 := q0*nr, min(q1*nr, j.n)
	if m0 >= m1 || n0 >= n1 {
		return
	}
	oneBlock := m1-m0 <= im.MC
	panels := 1
	if !oneBlock {
		panels = ceilDiv(min(im.NC, n1-n0), nr)
	}
	if need := panels * k4 * nr; cap(ws.b8) < need {
		ws.b8 = make([]int8, need)
	}
	if need := mr * nr; cap(ws.tile32) < need {
		ws.tile32 = make([]int32, need)
	}
	tile := ws.tile32[:mr*nr]
	for jc := n0; jc < n1; jc += im.NC {
		nc := min(im.NC, n1-jc)
		for ic := m0; ic < m1; ic += im.MC {
			mc := min(im.MC, m1-ic)
			for jr := 0; jr < nc; jr += nr {
				slot := jr / nr
				if oneBlock {
					slot = 0
				}
				panel := ws.b8[slot*k4*nr : (slot+1)*k4*nr]
				cols := min(nr, nc-jr)
				if ic == m0 {
					packB8(panel, nr, j.pa.K, jc+jr, cols, j.b, j.ldb, im.offsetB)
				}
				for ir := 0; ir < mc; ir += mr {
					i := ic + ir
					if k4 == 0 {
						clear(tile)
					} else {
						im.tile(k4/4, &j.pa.data[i*k4], unsafe.SliceData(panel), unsafe.SliceData(tile), nr)
					}
					j.store(tile, i, jc+jr, min(mr, m1-i), cols)
				}
			}
		}
	}
}

// store writes the rows x cols part of a finished tile at C[i][jj].
func (j *gemm8Job) store(tile []int32, i, jj, rows, cols int) {
	nr, o := j.impl.NR, &j.out
	for r := 0; r < rows; r++ {
		acc := tile[r*nr : r*nr+cols]
		at := (i+r)*o.ldc + jj
		if o.rq != nil {
			var offset int32
			if j.impl.offsetB {
				offset = 128 * j.pa.RowSums[i+r]
			}
			o.rq.requantRow(o.c[at:at+cols], acc, i+r, offset)
			continue
		}
		dst := o.acc[at : at+cols]
		var bias int32
		if o.bias != nil {
			bias = o.bias[i+r]
		}
		if j.impl.offsetB {
			bias -= 128 * j.pa.RowSums[i+r]
		}
		for c, v := range acc {
			dst[c] = bias + v
		}
	}
}
