package train

import (
	"fmt"
	"math"
)

// Step runs the forward pass on a batch, computes the losses and runs the
// backward pass, adding the gradients of Loss.Total to every trainable
// Param.Grad (call ZeroGrad between optimizer steps). Buffers are planned
// on the first batch of a given N x H x W and reused afterwards. A loss
// that is not finite is returned with an error (the gradients are then
// meaningless).
func (n *Network) Step(b *Batch) (Loss, error) {
	if err := b.check(n.cfg.NumClasses); err != nil {
		return Loss{}, err
	}
	p := n.plan
	if p == nil || p.n != b.N || p.h != b.H || p.w != b.W {
		n.dropPlan() // let the old buffers go before allocating new ones
		p = n.newPlan(b.N, b.H, b.W)
		n.plan = p
		n.startWorkers(p)
	}
	for _, c := range n.allConvs {
		c.fold()
	}
	p.input.v, p.batch = b.Images, b
	for _, w := range p.workers[1:] {
		w.start <- p
	}
	n.runWorker(p, p.workers[0])
	for range p.workers[1:] {
		<-p.done
	}
	p.input.v, p.batch = nil, nil

	// The other workers' gradients, added in worker order.
	for _, w := range p.workers[1:] {
		for _, prm := range n.trainable {
			g := w.grad(prm)
			addInto(prm.Grad, g)
			clear(g)
		}
	}
	var loss Loss
	for _, w := range p.workers {
		loss.Class += w.loss.Class
		loss.Box += w.loss.Box
		loss.Foreground += w.loss.Foreground
	}
	loss.Total = loss.Class + loss.Box
	if math.IsNaN(loss.Total) || math.IsInf(loss.Total, 0) {
		return loss, fmt.Errorf("train: loss is not finite (class %g, box %g)", loss.Class, loss.Box)
	}
	return loss, nil
}

// runWorker is one worker's share of a step: forward, loss, backward.
func (n *Network) runWorker(p *plan, w *worker) {
	n.forward(p, w)
	for _, a := range p.grads {
		for b := w.b0; b < w.b1; b++ {
			clear(a.grad(b))
		}
	}
	n.computeLoss(p, w, p.batch)
	n.backward(p, w)
}

// startWorkers starts the goroutines of workers 1.. (worker 0 is Step's).
func (n *Network) startWorkers(p *plan) {
	p.done = make(chan struct{})
	for _, w := range p.workers[1:] {
		w.start = make(chan *plan)
		go func(w *worker) {
			for p := range w.start {
				n.runWorker(p, w)
				p.done <- struct{}{}
			}
		}(w)
	}
}

// dropPlan stops the current plan's workers and forgets its buffers.
func (n *Network) dropPlan() {
	if n.plan == nil {
		return
	}
	for _, w := range n.plan.workers {
		if w.start != nil {
			close(w.start)
		}
		w.eng.Close()
	}
	n.plan = nil
}

// convs lists every conv of the network.
func (n *Network) convs() []*conv {
	out := []*conv{n.stem}
	for _, st := range n.stages {
		for _, b := range st {
			out = append(out, b.convs...)
			if b.down != nil {
				out = append(out, b.down)
			}
		}
	}
	out = append(out, n.inner[:]...)
	out = append(out, n.layer[:]...)
	out = append(out, n.p6, n.p7)
	for _, l := range n.clsTower {
		out = append(out, l.conv)
	}
	for _, l := range n.boxTower {
		out = append(out, l.conv)
	}
	return append(out, n.clsOut, n.boxOut)
}
