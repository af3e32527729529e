package kernels

// Epilogue is what a conv layer fuses into its GEMM: a per-row bias (one
// value per output channel; nil for none) and a ReLU, applied after
// alpha*op(A)*op(B) + beta*C.
type Epilogue struct {
	Bias []float32
	ReLU bool
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major matrices:
// op(A) is m x k (A is k x m when transA), op(B) is k x n (n x k when
// transB), C is m x n; lda, ldb and ldc are row strides. As in BLAS, C is
// not read when beta == 0 and A, B are not read when alpha == 0 or k == 0.
// Each element of C is summed in the same order whatever the thread count.
func (e *Engine) Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	e.SgemmEpilogue(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Epilogue{})
}

// SgemmEpilogue is Sgemm followed by the fused epilogue ep.
func (e *Engine) SgemmEpilogue(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int, ep Epilogue) {
	checkMatrix("A", transA, m, k, a, lda)
	var panels []float32
	if alpha != 0 && k > 0 && m > 0 && n > 0 {
		size := packedASize(e.impl, m, k)
		if cap(e.abuf) < size {
			e.abuf = make([]float32, size)
		}
		panels = e.abuf[:size]
		packA(e.impl, panels, transA, m, k, a, lda)
	}
	e.sgemmPanels(m, n, k, alpha, panels, transB, b, ldb, beta, c, ldc, ep)
}

// SgemmPacked is SgemmEpilogue with A already packed for this engine's tier.
func (e *Engine) SgemmPacked(pa *PackedA, transB bool, n int, alpha float32, b []float32, ldb int,
	beta float32, c []float32, ldc int, ep Epilogue) {
	if pa.impl.MR != e.impl.MR {
		panic("kernels: PackedA was packed for tier " + pa.impl.Name + ", engine runs " + e.impl.Name)
	}
	e.sgemmPanels(pa.M, n, pa.K, alpha, pa.data, transB, b, ldb, beta, c, ldc, ep)
}

func (e *Engine) sgemmPanels(m, n, k int, alpha float32, panels []float32, transB bool, b []float32, ldb int,
	beta float32, c []float32, ldc int, ep Epilogue) {
	if alpha != 0 && k > 0 {
		checkMatrix("B", transB, k, n, b, ldb)
	}
	checkMatrix("C", false, m, n, c, ldc)
	if ep.Bias != nil && len(ep.Bias) < m {
		panic("kernels: epilogue bias shorter than m")
	}
	if m == 0 || n == 0 {
		return
	}
	j := &e.sgemm
	im := e.impl
	*j = sgemmJob{impl: im, k: k, alpha: alpha, a: panels, transB: transB, b: b, ldb: ldb,
		beta: beta, c: c, ldc: ldc, ep: ep,
		loop: newGemmLoop(m, n, k, im.MR, im.NR, im.KC, im.MC, im.NC, e.threads)}
	e.run(j, j.loop.tasks())
	*j = sgemmJob{} // drop references to the caller's slices
}
