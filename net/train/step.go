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
		n.plan = nil // let the old buffers go before allocating new ones
		p = n.newPlan(b.N, b.H, b.W)
		n.plan = p
	}
	for _, c := range n.allConvs {
		c.fold()
	}
	p.input.v = b.Images
	n.forward(p)
	for _, a := range p.grads {
		clear(a.g)
	}
	loss := n.computeLoss(p, b)
	n.backward(p)
	p.input.v = nil
	if math.IsNaN(loss.Total) || math.IsInf(loss.Total, 0) {
		return loss, fmt.Errorf("train: loss is not finite (class %g, box %g)", loss.Class, loss.Box)
	}
	return loss, nil
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
