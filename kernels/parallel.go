package kernels

// RangeJob is work over the indices [0, n) that splits into disjoint
// ranges: the per-channel passes around the GEMMs (im2col, Winograd
// transforms) that would otherwise leave the other threads idle. part
// numbers the ranges from 0, for per-part scratch.
type RangeJob interface {
	RunRange(part, lo, hi int)
}

// rangeTask adapts a RangeJob to the engine's tasks.
type rangeTask struct {
	job      RangeJob
	n, parts int
}

func (r *rangeTask) runTask(_ *workspace, index int) {
	if lo, hi := share(r.n, r.parts, index); lo < hi {
		r.job.RunRange(index, lo, hi)
	}
}

// ParallelRange runs job over [0, n) split into at most Threads() parts,
// one per thread, and returns when all are done. Passing a pointer as job
// keeps the call free of allocations.
func (e *Engine) ParallelRange(job RangeJob, n int) {
	parts := min(e.threads, n)
	if parts <= 1 {
		if n > 0 {
			job.RunRange(0, 0, n)
		}
		return
	}
	e.ranges = rangeTask{job: job, n: n, parts: parts}
	e.run(&e.ranges, parts)
	e.ranges = rangeTask{}
}
