package kernels

import "time"

// Engine runs kernels on a fixed number of threads with one tier. It owns
// its worker goroutines and packing buffers, so calls allocate nothing in
// steady state. An Engine is not safe for concurrent use: give each
// pipeline stage its own.
type Engine struct {
	impl    *Impl
	impl8   *Int8Impl
	threads int
	spaces  []*workspace  // spaces[0] belongs to the calling goroutine
	starts  []chan task   // one per worker goroutine (threads-1 of them), buffered
	done    chan struct{} // a worker's task is finished; buffered for all of them
	spin    time.Duration // how long a thread polls before it blocks
	abuf    []float32     // A packed per call when the caller did not pre-pack it
	sgemm   sgemmJob
	batch   sgemmBatchJob
	i8      gemm8Job
	rows8   []rqRow // per-row int8 constants of the current call
	ranges  rangeTask
}

// workspace is one thread's scratch memory.
type workspace struct {
	bbuf []float32 // a KC x NC block of B, packed
	tile []float32 // an MR x NR tile for the edges of C

	// int8 GEMM scratch, grown on first use to the largest call's needs.
	b8     []int8  // packed B panels (whole K)
	tile32 []int32 // an MR x NR int32 tile
	tile8  []int8  // an MR x NR int8 tile for the edges of C
	stage8 []int8  // the last rows of B, padded to a group of four
}

// task is one share of a parallel job.
type task struct {
	job   taskRunner
	index int
}

// taskRunner is a job split into tasks that touch disjoint outputs.
type taskRunner interface {
	runTask(ws *workspace, index int)
}

// NewEngine starts an engine with the given tier (nil: Active()) and thread
// count (< 1 means 1). Its int8 tier is ActiveInt8(); SetInt8 changes it.
func NewEngine(impl *Impl, threads int) *Engine { return newEngine(impl, threads, spinFor) }

// newEngine is NewEngine with the threads' polling time (spinFor; 0 has
// them block at once, for benchmarks).
func newEngine(impl *Impl, threads int, spin time.Duration) *Engine {
	if impl == nil {
		impl = active
	}
	threads = max(1, threads)
	e := &Engine{impl: impl, impl8: activeInt8, threads: threads, spin: spin, done: make(chan struct{}, threads)}
	e.batch.gemms = make([]sgemmJob, threads)
	for i := 0; i < threads; i++ {
		e.spaces = append(e.spaces, &workspace{
			bbuf: make([]float32, impl.KC*ceilDiv(impl.NC, impl.NR)*impl.NR),
			tile: make([]float32, impl.MR*impl.NR),
		})
	}
	for i := 1; i < threads; i++ {
		ch := make(chan task, 1) // a send never waits for the worker to wake
		e.starts = append(e.starts, ch)
		go e.serve(e.spaces[i], ch)
	}
	return e
}

// Impl returns the engine's tier.
func (e *Engine) Impl() *Impl { return e.impl }

// Int8Impl returns the engine's int8 tier.
func (e *Engine) Int8Impl() *Int8Impl { return e.impl8 }

// SetInt8 sets the engine's int8 tier (nil: ActiveInt8()).
func (e *Engine) SetInt8(impl *Int8Impl) {
	if impl == nil {
		impl = activeInt8
	}
	e.impl8 = impl
}

// Threads returns the engine's thread count.
func (e *Engine) Threads() int { return e.threads }

// Close stops the worker goroutines. The engine must not be used after.
func (e *Engine) Close() {
	for _, ch := range e.starts {
		close(ch)
	}
	e.starts = nil
}

func (e *Engine) serve(ws *workspace, start chan task) {
	for {
		t, ok := receive(start, e.spin)
		if !ok {
			return
		}
		t.job.runTask(ws, t.index)
		e.done <- struct{}{}
	}
}

// run executes tasks 0..n-1 of job, n <= threads, task 0 on the caller.
func (e *Engine) run(job taskRunner, n int) {
	for i := 1; i < n; i++ {
		e.starts[i-1] <- task{job: job, index: i}
	}
	job.runTask(e.spaces[0], 0)
	for i := 1; i < n; i++ {
		receive(e.done, e.spin)
	}
}
