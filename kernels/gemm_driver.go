package kernels

// blockKernel is one element type's side of the shared GEMM loop nest
// (gemmLoop.run): the float32 SGEMM (sgemmJob) and the int8 GEMM
// (gemm8Job) each pack B, run register tiles and finish them their own way,
// under the same blocking, tile split and thread pool.
type blockKernel interface {
	// packB packs rows [p0, p0+kc) and columns [j0, j0+cols) of B into
	// the panel slot of ws, padded to NR columns.
	packB(ws *workspace, slot, p0, kc, j0, cols int)
	// prefetchB hints rows [p0, p0+rows), columns [j0, j0+cols) of B: the
	// source of the next panel packB will read.
	prefetchB(p0, rows, j0, cols int)
	// tile computes the rows x cols tile of C at (i, j) from A's panel at
	// row i and B's panel slot over the block [p0, p0+kc) of the sum;
	// last: the block ends the sum, so the tile is finished.
	tile(ws *workspace, slot, i, j, rows, cols, p0, kc int, last bool)
}

// gemmLoop is the blocking of one GEMM split into tm x tn tasks over C's
// register tiles. The loops are BLIS's: for each NC block of columns, for
// each KC block of the sum, for each MC block of rows, pack each B panel on
// its first use (the first MC block) and sweep it over the block's A
// panels. The K blocking is fixed per tier, so every element of C is summed
// in the same order whatever the split.
type gemmLoop struct {
	m, n, k            int // k in the kernels' steps (the int8 one rounds K up to 4)
	mr, nr, kc, mc, nc int
	tm, tn             int
}

// newGemmLoop splits the m x n tiles of C among threads.
func newGemmLoop(m, n, k, mr, nr, kc, mc, nc, threads int) gemmLoop {
	g := gemmLoop{m: m, n: n, k: k, mr: mr, nr: nr, kc: max(kc, 1), mc: mc, nc: nc}
	g.tm, g.tn = splitTiles(ceilDiv(m, mr), ceilDiv(n, nr), threads)
	return g
}

// tasks is the number of tasks the split makes.
func (g *gemmLoop) tasks() int { return g.tm * g.tn }

// bounds returns task index's block of C: rows [m0, m1), columns [n0, n1).
func (g *gemmLoop) bounds(index int) (m0, m1, n0, n1 int) {
	p0, p1 := share(ceilDiv(g.m, g.mr), g.tm, index/g.tn)
	q0, q1 := share(ceilDiv(g.n, g.nr), g.tn, index%g.tn)
	return p0 * g.mr, min(p1*g.mr, g.m), q0 * g.nr, min(q1*g.nr, g.n)
}

// panelSlots is how many B panels a task of the block keeps packed: one
// when its rows fit one MC block (no panel is used twice, and reusing one
// slot keeps it hot in L1), else one per panel of an NC block.
func (g *gemmLoop) panelSlots(m0, m1, n0, n1 int) int {
	if m1-m0 <= g.mc {
		return 1
	}
	return ceilDiv(min(g.nc, n1-n0), g.nr)
}

// run is one task's loop nest over C's block [m0, m1) x [n0, n1). With
// k == 0 it still visits every tile once, with an empty block.
func (g *gemmLoop) run(kern blockKernel, ws *workspace, m0, m1, n0, n1 int) {
	oneSlot := g.panelSlots(m0, m1, n0, n1) == 1
	for jc := n0; jc < n1; jc += g.nc {
		nc := min(g.nc, n1-jc)
		for pc := 0; pc == 0 || pc < g.k; pc += g.kc {
			kc := min(g.kc, g.k-pc)
			last := pc+kc == g.k
			for ic := m0; ic < m1; ic += g.mc {
				mc := min(g.mc, m1-ic)
				for jr := 0; jr < nc; jr += g.nr {
					slot := jr / g.nr
					if oneSlot {
						slot = 0
					}
					cols := min(g.nr, nc-jr)
					if ic == m0 {
						// Pack each B panel just before its first use, so
						// that the first sweep finds it in L1; later MC
						// blocks reuse the packed block.
						kern.packB(ws, slot, pc, kc, jc+jr, cols)
					}
					// While this panel's tiles run, fetch the source of the
					// next one, a slice of its rows per tile, so that its
					// packing finds them in cache.
					next, nextCols, step := 0, 0, 0
					if ic == m0 && jr+g.nr < nc {
						next, nextCols = jc+jr+g.nr, min(g.nr, nc-jr-g.nr)
						step = ceilDiv(kc, ceilDiv(mc, g.mr))
					}
					for ir := 0; ir < mc; ir += g.mr {
						i := ic + ir
						if step > 0 {
							if r0 := ir / g.mr * step; r0 < kc {
								kern.prefetchB(pc+r0, min(step, kc-r0), next, nextCols)
							}
						}
						kern.tile(ws, slot, i, jc+jr, min(g.mr, m1-i), cols, pc, kc, last)
					}
				}
			}
		}
	}
}
