package kernels

// SgemmPackedBatch computes C_p = A_p B_p for every p < len(a): B_p is the
// k x n matrix at b[p*bStride:] (row stride ldb), C_p the m x n matrix at
// c[p*cStride:] (row stride ldc), overwritten. With at least as many GEMMs
// as threads, each GEMM runs whole on one thread and the GEMMs are spread
// over the threads, one hand-off for the batch; otherwise each is split as
// SgemmPacked splits it. Either way the results are SgemmPacked's, bit for
// bit (the K blocking fixes every sum's order). Equivalent to:
//
//	for p := range a {
//		e.SgemmPacked(a[p], false, n, 1, b[p*bStride:], ldb, 0, c[p*cStride:], ldc, Epilogue{})
//	}
//
// The Winograd products are such a batch: 16 GEMMs of a head conv, each
// too small (256 x 538 x 256 at 320x320) to split two ways efficiently.
func (e *Engine) SgemmPackedBatch(a []*PackedA, n int, b []float32, bStride, ldb int, c []float32, cStride, ldc int) {
	parts := min(e.threads, len(a))
	if parts < e.threads || parts <= 1 {
		for p, pa := range a {
			e.SgemmPacked(pa, false, n, 1, b[p*bStride:], ldb, 0, c[p*cStride:], ldc, Epilogue{})
		}
		return
	}
	for p, pa := range a {
		if pa.impl.MR != e.impl.MR {
			panic("kernels: PackedA was packed for tier " + pa.impl.Name + ", engine runs " + e.impl.Name)
		}
		checkMatrix("B", false, pa.K, n, b[min(p*bStride, len(b)):], ldb)
		checkMatrix("C", false, pa.M, n, c[min(p*cStride, len(c)):], ldc)
	}
	if n == 0 {
		return
	}
	j := &e.batch
	*j = sgemmBatchJob{impl: e.impl, a: a, n: n, b: b, bStride: bStride, ldb: ldb,
		c: c, cStride: cStride, ldc: ldc, parts: parts, gemms: j.gemms}
	e.run(j, parts)
	*j = sgemmBatchJob{gemms: j.gemms} // drop references to the caller's slices
}

// sgemmBatchJob is SgemmPackedBatch's split: task i runs its share of the
// GEMMs, one after another, each as a one-task sgemmJob.
type sgemmBatchJob struct {
	impl         *Impl
	a            []*PackedA
	n            int
	b            []float32
	bStride, ldb int
	c            []float32
	cStride, ldc int
	parts        int
	gemms        []sgemmJob // one per task: the GEMM it runs now
}

func (j *sgemmBatchJob) runTask(ws *workspace, index int) {
	im := j.impl
	g := &j.gemms[index]
	lo, hi := share(len(j.a), j.parts, index)
	for p := lo; p < hi; p++ {
		pa := j.a[p]
		if pa.M == 0 {
			continue
		}
		*g = sgemmJob{impl: im, k: pa.K, alpha: 1, a: pa.data, b: j.b[p*j.bStride:], ldb: j.ldb,
			c: j.c[p*j.cStride:], ldc: j.ldc,
			loop: newGemmLoop(pa.M, j.n, pa.K, im.MR, im.NR, im.KC, im.MC, im.NC, 1)}
		g.runTask(ws, 0)
	}
	*g = sgemmJob{}
}
