package train

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net/boxes"
)

// worker runs the whole step (forward, loss, backward) for a contiguous
// range of the batch's images with its own GEMM engine and scratch, so
// that every part of the step, not only the GEMMs, uses all the threads.
// Worker 0 adds gradients into the parameters' Grad directly; the others
// into private buffers that Step adds in afterwards, in worker order (the
// result depends on the thread count, not on timing).
type worker struct {
	eng    *kernels.Engine
	ws     workspace
	b0, b1 int         // images [b0, b1) of the batch
	grads  [][]float32 // per parameter id: where its gradient goes

	matcher *boxes.Matcher
	gt      []boxes.Box
	loss    Loss

	start chan *plan // workers 1..: a step to run (closed to stop)
}

// grad returns where this worker adds p's gradient.
func (w *worker) grad(p *Param) []float32 { return w.grads[p.id] }

// newWorkers splits a batch of n images over min(threads, n) workers, each
// with threads/workers GEMM threads (the remainder to the first ones).
func (n *Network) newWorkers(batch, colSize, gwTSize int) []*worker {
	count := max(1, min(n.opts.Threads, batch))
	threads := max(1, n.opts.Threads)
	ws := make([]*worker, count)
	for i := range ws {
		t := threads / count
		if i < threads%count {
			t++
		}
		w := &worker{eng: kernels.NewEngine(nil, t), b0: i * batch / count, b1: (i + 1) * batch / count,
			matcher: boxes.NewRetinaNetMatcher()}
		w.ws.col = make([]float32, colSize)
		w.ws.gwT = make([]float32, gwTSize)
		w.grads = make([][]float32, len(n.all))
		for id, p := range n.all {
			switch {
			case !n.trained[id]:
			case i == 0:
				w.grads[id] = p.Grad
			default:
				w.grads[id] = make([]float32, len(p.Grad))
			}
		}
		ws[i] = w
	}
	return ws
}
