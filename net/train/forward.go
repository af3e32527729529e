package train

// forward runs the backbone, the FPN and both heads on p.input, keeping
// every activation for backward.
func (n *Network) forward(p *plan) {
	e, col := n.eng, p.ws.col
	n.stem.forward(e, p.input, p.stem, col)
	p.pooling.forward(p.stem, p.pool)
	in := p.pool
	for s, blocks := range n.stages {
		for i, blk := range blocks {
			ba := &p.blocks[s][i]
			x := in
			for j, c := range blk.convs {
				c.forward(e, x, ba.convs[j], col)
				x = ba.convs[j]
			}
			identity := in
			if blk.down != nil {
				blk.down.forward(e, in, ba.down, col)
				identity = ba.down
			}
			addReLU(ba.out.v, x.v, identity.v)
			in = ba.out
		}
	}

	// FPN: the top level first, then lateral + nearest top-down per level.
	c := n.stageOutputs(p)
	for i := 2; i >= 0; i-- {
		n.inner[i].forward(e, c[i], p.inner[i], col)
		if i < 2 {
			upsampleAdd(p.inner[i+1], p.inner[i])
		}
		n.layer[i].forward(e, p.inner[i], p.p[i], col)
	}
	n.p6.forward(e, n.p6Input(p), p.p[3], col)
	reluInto(p.relu6.v, p.p[3].v)
	n.p7.forward(e, p.relu6, p.p[4], col)

	for l := range numLevels {
		n.towerForward(n.clsTower, n.clsOut, p.p[l], &p.cls[l], p.ws.col)
		n.towerForward(n.boxTower, n.boxOut, p.p[l], &p.box[l], p.ws.col)
	}
}

func (n *Network) towerForward(tower []headLayer, out *conv, x *act, t *towerActs, col []float32) {
	for i, l := range tower {
		if l.gn != nil {
			l.conv.forward(n.eng, x, t.z[i], col)
			l.gn.forward(t.z[i], t.y[i], &t.stats[i])
		} else {
			l.conv.forward(n.eng, x, t.y[i], col)
		}
		x = t.y[i]
	}
	out.forward(n.eng, x, t.out, col)
}

// backward propagates the heads' output gradients (set by the loss) to
// every trainable parameter, adding to their Grad.
func (n *Network) backward(p *plan) {
	e, col := n.eng, &p.ws
	n.towerBackward(n.clsTower, n.clsOut, &p.clsLevels, col)
	n.towerBackward(n.boxTower, n.boxOut, &p.boxLevels, col)
	n.p7.backward(e, p.relu6, p.p[4], col)
	p6 := p.p[3]
	for i, v := range p6.v {
		if v > 0 {
			p6.g[i] += p.relu6.g[i]
		}
	}
	n.p6.backward(e, n.p6Input(p), p6, col)
	c := n.stageOutputs(p)
	for i := range 3 {
		n.layer[i].backward(e, p.inner[i], p.p[i], col)
		// inner[i] is complete: its own output conv and the level below's
		// top-down read (added when i-1 was processed) have both reported.
		if i < 2 {
			upsampleBackward(p.inner[i+1], p.inner[i])
		}
		n.inner[i].backward(e, c[i], p.inner[i], col)
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
			reluBackward(ba.out.g, ba.out.v)
			for j := len(blk.convs) - 1; j >= 0; j-- {
				x := in
				if j > 0 {
					x = ba.convs[j-1]
				}
				blk.convs[j].backward(e, x, ba.convs[j], col)
			}
			if blk.down != nil {
				blk.down.backward(e, in, ba.down, col)
			} else if in.needGrad {
				addInto(in.g, ba.out.g)
			}
		}
	}
	if p.stem.needGrad {
		p.pooling.backward(p.stem, p.pool)
		n.stem.backward(e, p.input, p.stem, col)
	}
}

// towerBackward runs one head's backward layer by layer, each layer over
// all levels at once so that its shared weights take one gradient update.
func (n *Network) towerBackward(tower []headLayer, out *conv, lv *levelActs, ws *workspace) {
	last := len(tower)
	out.backwardShared(n.eng, lv.in[last], lv.out[last], ws)
	for i := last - 1; i >= 0; i-- {
		l := tower[i]
		if l.gn != nil {
			for k := range numLevels {
				l.gn.backward(lv.z[i][k], lv.out[i][k], lv.stats[i][k])
			}
			l.conv.backwardShared(n.eng, lv.in[i], lv.z[i], ws)
		} else {
			l.conv.backwardShared(n.eng, lv.in[i], lv.out[i], ws)
		}
	}
}
