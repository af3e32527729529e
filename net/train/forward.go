package train

import (
	"github.com/retina-edge/retina/net"
)

// forward runs the backbone, the FPN and both heads on the worker's
// images, keeping every activation for backward.
func (n *Network) forward(p *plan, w *worker) {
	n.stem.forward(w, p.input, p.stem)
	p.pooling.forward(w, p.stem, p.pool)
	in := p.pool
	for s, blocks := range n.stages {
		for i, blk := range blocks {
			ba := &p.blocks[s][i]
			x := in
			for j, c := range blk.convs {
				c.forward(w, x, ba.convs[j])
				x = ba.convs[j]
			}
			identity := in
			if blk.down != nil {
				blk.down.forward(w, in, ba.down)
				identity = ba.down
			}
			for b := w.b0; b < w.b1; b++ {
				addReLU(ba.out.img(b), x.img(b), identity.img(b))
			}
			in = ba.out
		}
	}

	// FPN: the top level first, then lateral + nearest top-down per level.
	c := n.stageOutputs(p)
	for i := 2; i >= 0; i-- {
		n.inner[i].forward(w, c[i], p.inner[i])
		if i < 2 {
			upsampleAdd(w, p.inner[i+1], p.inner[i])
		}
		n.layer[i].forward(w, p.inner[i], p.p[i])
	}
	n.p6.forward(w, n.p6Input(p), p.p[3])
	for b := w.b0; b < w.b1; b++ {
		reluInto(p.relu6.img(b), p.p[3].img(b))
	}
	n.p7.forward(w, p.relu6, p.p[4])

	for l := range net.NumLevels {
		n.towerForward(w, n.clsTower, n.clsOut, p.p[l], &p.cls[l])
		n.towerForward(w, n.boxTower, n.boxOut, p.p[l], &p.box[l])
	}
}

func (n *Network) towerForward(w *worker, tower []headLayer, out *conv, x *act, t *towerActs) {
	for i, l := range tower {
		if l.gn != nil {
			l.conv.forward(w, x, t.z[i])
			l.gn.forward(w, t.z[i], t.y[i], &t.stats[i])
		} else {
			l.conv.forward(w, x, t.y[i])
		}
		x = t.y[i]
	}
	out.forward(w, x, t.out)
}

// backward propagates the heads' output gradients (set by the loss) for
// the worker's images to every trainable parameter, adding to the
// worker's gradients.
func (n *Network) backward(p *plan, w *worker) {
	n.towerBackward(w, n.clsTower, n.clsOut, &p.clsLevels)
	n.towerBackward(w, n.boxTower, n.boxOut, &p.boxLevels)
	n.p7.backward(w, p.relu6, p.p[4])
	p6 := p.p[3]
	for b := w.b0; b < w.b1; b++ {
		g, v, r := p6.grad(b), p6.img(b), p.relu6.grad(b)
		for i := range g {
			if v[i] > 0 {
				g[i] += r[i]
			}
		}
	}
	n.p6.backward(w, n.p6Input(p), p6)
	c := n.stageOutputs(p)
	for i := range 3 {
		n.layer[i].backward(w, p.inner[i], p.p[i])
		// inner[i] is complete: its own output conv and the level below's
		// top-down read (added when i-1 was processed) have both reported.
		if i < 2 {
			upsampleBackward(w, p.inner[i+1], p.inner[i])
		}
		n.inner[i].backward(w, c[i], p.inner[i])
	}

	for s := 3; s >= 0; s-- {
		for i := len(n.stages[s]) - 1; i >= 0; i-- {
			blk, ba := &n.stages[s][i], &p.blocks[s][i]
			in := p.pool
			if i > 0 {
				in = p.blocks[s][i-1].out
			} else if s > 0 {
				prev := p.blocks[s-1]
				in = prev[len(prev)-1].out
			}
			if !ba.out.needGrad {
				continue
			}
			for b := w.b0; b < w.b1; b++ {
				reluBackward(ba.out.grad(b), ba.out.img(b))
			}
			for j := len(blk.convs) - 1; j >= 0; j-- {
				x := in
				if j > 0 {
					x = ba.convs[j-1]
				}
				blk.convs[j].backward(w, x, ba.convs[j])
			}
			if blk.down != nil {
				blk.down.backward(w, in, ba.down)
			} else if in.needGrad {
				for b := w.b0; b < w.b1; b++ {
					addInto(in.grad(b), ba.out.grad(b))
				}
			}
		}
	}
	if p.stem.needGrad {
		p.pooling.backward(w, p.stem, p.pool)
		n.stem.backward(w, p.input, p.stem)
	}
}

// towerBackward runs one head's backward layer by layer, each layer over
// all levels at once so that its shared weights take one gradient update.
func (n *Network) towerBackward(w *worker, tower []headLayer, out *conv, lv *levelActs) {
	last := len(tower)
	out.backwardShared(w, lv.in[last], lv.out[last])
	for i := last - 1; i >= 0; i-- {
		l := tower[i]
		if l.gn != nil {
			for k := range net.NumLevels {
				l.gn.backward(w, lv.z[i][k], lv.out[i][k], lv.stats[i][k])
			}
			l.conv.backwardShared(w, lv.in[i], lv.z[i])
		} else {
			l.conv.backwardShared(w, lv.in[i], lv.out[i])
		}
	}
}
