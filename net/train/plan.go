package train

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
)

// blockActs are one residual block's activations: each conv's output, the
// downsample's, and the block's output after the join and ReLU. The last
// conv's and the downsample's gradients share the output's slice: after
// the ReLU's mask the three gradients are the same.
type blockActs struct {
	convs []*act
	down  *act
	out   *act
}

// towerActs are one head's activations at one level: per tower layer the
// conv output z (GroupNorm heads only) and the layer output y, then the
// final conv's output.
type towerActs struct {
	z, y  []*act
	stats []gnStats
	out   *act
}

// plan holds every buffer of a step for one batch shape.
type plan struct {
	n, h, w int

	input      *act // values alias the batch's images
	stem, pool *act
	pooling    maxPool
	blocks     [4][]blockActs
	inner      [3]*act // the FPN's last_inner per level (lateral + top-down)
	p          [net.NumLevels]*act
	relu6      *act // F.relu(P6), P7's input
	cls, box   [net.NumLevels]towerActs
	// clsLevels and boxLevels regroup cls and box by tower layer.
	clsLevels, boxLevels levelActs
	workers              []*worker
	done                 chan struct{} // workers 1.. report the end of their share
	batch                *Batch        // during a step

	grads []*act // every activation with a gradient, cleared each step

	anchors []boxes.Box // all levels, torchvision's order
	matched [][]int     // per image: the matcher's result per anchor
}

// newPlan allocates the buffers of an n x 3 x h x w batch.
func (n *Network) newPlan(batch, h, w int) *plan {
	p := &plan{n: batch, h: h, w: w}
	colSize := 0
	mk := func(c *conv, x *act, needGrad bool) *act {
		colSize = max(colSize, c.ColSize(x.h, x.w))
		a := newAct(batch, c.OutC, c.OutSize(x.h), c.OutSize(x.w), needGrad)
		if needGrad {
			p.grads = append(p.grads, a)
		}
		return a
	}
	p.input = &act{n: batch, c: 3, h: h, w: w}
	p.stem = mk(n.stem, p.input, n.stem.trainable)
	p.pool = newAct(batch, p.stem.c, kernels.PoolSize(p.stem.h), kernels.PoolSize(p.stem.w), p.stem.needGrad)
	p.pooling.argmax = make([]int32, len(p.pool.v))
	if p.pool.needGrad {
		p.grads = append(p.grads, p.pool)
	}
	in := p.pool
	for s, blocks := range n.stages {
		for _, blk := range blocks {
			need := in.needGrad || blk.convs[0].trainable
			var ba blockActs
			x := in
			for _, c := range blk.convs {
				y := mk(c, x, need)
				ba.convs = append(ba.convs, y)
				x = y
			}
			last := ba.convs[len(ba.convs)-1]
			ba.out = &act{n: batch, c: last.c, h: last.h, w: last.w, v: make([]float32, len(last.v)), needGrad: need, g: last.g}
			if blk.down != nil {
				ba.down = mk(blk.down, in, false)
				ba.down.g, ba.down.needGrad = last.g, need
			}
			p.blocks[s] = append(p.blocks[s], ba)
			in = ba.out
		}
	}
	c := n.stageOutputs(p)
	for i := range 3 {
		p.inner[i] = mk(n.inner[i], c[i], true)
		p.p[i] = mk(n.layer[i], p.inner[i], true)
	}
	p.p[3] = mk(n.p6, n.p6Input(p), true)
	p.relu6 = newAct(batch, p.p[3].c, p.p[3].h, p.p[3].w, true)
	p.grads = append(p.grads, p.relu6)
	p.p[4] = mk(n.p7, p.relu6, true)
	for l := range net.NumLevels {
		p.cls[l] = n.newTowerActs(p, n.clsTower, n.clsOut, p.p[l], mk)
		p.box[l] = n.newTowerActs(p, n.boxTower, n.boxOut, p.p[l], mk)
	}
	p.clsLevels = regroup(p.p, &p.cls)
	p.boxLevels = regroup(p.p, &p.box)
	gwTSize := 0
	for _, c := range n.allConvs {
		if c.trainable {
			gwTSize = max(gwTSize, c.OutC*c.ColRows())
		}
	}
	p.workers = n.newWorkers(batch, colSize, gwTSize)
	p.anchors = n.levelAnchors(p)
	p.matched = make([][]int, batch)
	return p
}

func (n *Network) newTowerActs(p *plan, tower []headLayer, out *conv, x *act, mk func(*conv, *act, bool) *act) towerActs {
	var t towerActs
	for _, l := range tower {
		y := mk(l.conv, x, true)
		if l.gn != nil {
			t.z = append(t.z, y)
			y = newAct(y.n, y.c, y.h, y.w, true)
			p.grads = append(p.grads, y)
		} else {
			t.z = append(t.z, nil)
		}
		t.y = append(t.y, y)
		var st gnStats
		if l.gn != nil {
			st = newGNStats(y.n, l.gn.groups)
		}
		t.stats = append(t.stats, st)
		x = y
	}
	t.out = mk(out, x, true)
	return t
}

// stageOutputs returns C3, C4, C5: the outputs of layer2..layer4.
func (n *Network) stageOutputs(p *plan) [3]*act {
	var c [3]*act
	for i := range 3 {
		blocks := p.blocks[i+1]
		c[i] = blocks[len(blocks)-1].out
	}
	return c
}

// p6Input is the feature the architecture's P6 reads: P5 (v1) or C5 (v2).
func (n *Network) p6Input(p *plan) *act {
	if n.arch.P6Input == net.FeatureC5 {
		return n.stageOutputs(p)[2]
	}
	return p.p[2]
}

// levelAnchors are the anchors of every level for this padded size:
// stride = padded size // feature size per axis, as AnchorGenerator.
func (n *Network) levelAnchors(p *plan) []boxes.Box {
	var out []boxes.Box
	for l, f := range p.p {
		out = boxes.LevelAnchors(out, n.cfg.AnchorSizes[l], n.cfg.AspectRatios, f.h, f.w, p.h/f.h, p.w/f.w)
	}
	return out
}

// levelActs are one head's activations by tower layer, then level: layer i
// reads in[i][l] and its conv writes z[i][l] (GroupNorm heads) and the
// layer's output out[i][l]; the last entries are the final conv's.
type levelActs struct {
	in, z, out [][]*act
	stats      [][]*gnStats
}

func regroup(p [net.NumLevels]*act, t *[net.NumLevels]towerActs) levelActs {
	var lv levelActs
	layers := len(t[0].y)
	for i := range layers + 1 {
		var in, z, out []*act
		var st []*gnStats
		for l := range net.NumLevels {
			x := p[l]
			if i > 0 {
				x = t[l].y[i-1]
			}
			in = append(in, x)
			if i == layers {
				out = append(out, t[l].out)
				continue
			}
			z, out, st = append(z, t[l].z[i]), append(out, t[l].y[i]), append(st, &t[l].stats[i])
		}
		lv.in, lv.z, lv.out, lv.stats = append(lv.in, in), append(lv.z, z), append(lv.out, out), append(lv.stats, st)
	}
	return lv
}
