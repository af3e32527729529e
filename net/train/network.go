package train

import (
	"fmt"
	"slices"

	"github.com/retina-edge/retina/net"
)

// block is a residual block: convs in order, then the join with the
// identity or down(input), then a ReLU.
type block struct {
	convs []*conv
	down  *conv
}

// headLayer is one tower layer of a head: conv, then GroupNorm + ReLU (v2)
// or the conv's own bias + ReLU (v1).
type headLayer struct {
	conv *conv
	gn   *groupNorm
}

// Network is a trainable RetinaNet. It is not safe for concurrent use.
type Network struct {
	cfg  net.Config
	arch *net.Arch
	opts Options

	stem         *conv
	stages       [4][]block
	inner, layer [3]*conv // FPN lateral 1x1 and output 3x3 for C3..C5
	p6, p7       *conv
	clsTower     []headLayer
	boxTower     []headLayer
	clsOut       *conv
	boxOut       *conv

	allConvs  []*conv              // every conv, for refolding each step
	specs     []net.ParamShape     // every state_dict tensor, in order
	tensors   map[string]*Param    // every conv and GroupNorm tensor by name
	all       []*Param             // the same, indexed by Param.id
	trained   []bool               // by Param.id
	fixed     map[string]net.Param // the frozen batch norms' tensors
	trainable []*Param             // Params(), in state_dict order
	plan      *plan
}

// NewNetwork builds a trainable network of cfg from its state_dict tensors
// (all of cfg.Params(), exact shapes; the data is copied).
func NewNetwork(cfg net.Config, weights map[string]net.Param, opts Options) (*Network, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	if opts.BoxLoss == "" {
		opts.BoxLoss = BoxLossL1
	}
	specs, err := cfg.Params()
	if err != nil {
		return nil, err
	}
	if err := net.CheckWeights(specs, weights); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	arch, err := cfg.Arch()
	if err != nil {
		return nil, err
	}
	n := &Network{cfg: cfg, arch: arch, opts: opts, specs: specs, tensors: map[string]*Param{}, fixed: map[string]net.Param{}}
	b := builder{n: n, w: weights}
	n.buildBackbone(&b)
	n.buildFPN(&b)
	n.buildHeads(&b)
	// Every tensor the configuration lists must have been taken by a layer:
	// a mismatch here is a bug in this package, not bad input.
	for _, s := range specs {
		_, t := n.tensors[s.Name]
		_, f := n.fixed[s.Name]
		if t == f {
			return nil, fmt.Errorf("train: internal: tensor %s not placed exactly once", s.Name)
		}
		if p := n.tensors[s.Name]; t && n.trained[p.id] {
			n.trainable = append(n.trainable, p)
		}
	}
	n.allConvs = n.convs()
	return n, nil
}

// Close stops the network's worker and GEMM threads.
func (n *Network) Close() { n.dropPlan() }

// Config returns the network's configuration.
func (n *Network) Config() net.Config { return n.cfg }

// builder turns state_dict tensors into layers.
type builder struct {
	n *Network
	w map[string]net.Param
}

func (b *builder) param(name string, trainable, norm bool) *Param {
	p := b.w[name]
	t := newParam(name, slices.Clone(p.Shape), slices.Clone(p.Data), norm)
	t.id = len(b.n.all)
	b.n.tensors[name] = t
	b.n.all = append(b.n.all, t)
	b.n.trained = append(b.n.trained, trainable)
	return t
}

// conv creates the declared conv with its bias and its frozen batch norm.
func (b *builder) conv(s net.ArchConv, trainable bool) *conv {
	c := &conv{ArchConv: s, relu: s.ReLU && s.GN == "", trainable: trainable}
	c.weight = b.param(s.Name+".weight", trainable, false)
	if s.Bias {
		c.bias = b.param(s.Name+".bias", trainable, false)
	}
	if s.BN != "" {
		c.scale, c.shift = b.frozenBN(s.BN, s.OutC)
	}
	c.fold()
	return c
}

// frozenBN computes FrozenBatchNorm2d's affine as torchvision does, in
// float32: scale = w * rsqrt(rv + eps), shift = b - rm*scale.
func (b *builder) frozenBN(prefix string, oc int) (scale, shift []float32) {
	get := func(f string) []float32 {
		p := b.w[prefix+"."+f]
		b.n.fixed[prefix+"."+f] = net.Param{Shape: slices.Clone(p.Shape), Data: slices.Clone(p.Data)}
		return p.Data
	}
	w, bias, rm, rv := get("weight"), get("bias"), get("running_mean"), get("running_var")
	scale, shift = make([]float32, oc), make([]float32, oc)
	for o := range oc {
		scale[o] = w[o] * rsqrt32(rv[o]+net.BatchNormEps)
		shift[o] = bias[o] - rm[o]*scale[o]
	}
	return scale, shift
}

func (n *Network) buildBackbone(b *builder) {
	a := n.arch
	n.stem = b.conv(a.Stem, n.opts.stemTrainable())
	for s, blocks := range a.Stages {
		tr := n.opts.stageTrainable(s)
		for _, bs := range blocks {
			var blk block
			for _, c := range bs.Convs {
				blk.convs = append(blk.convs, b.conv(c, tr))
			}
			if bs.Down != nil {
				blk.down = b.conv(*bs.Down, tr)
			}
			n.stages[s] = append(n.stages[s], blk)
		}
	}
}

func (n *Network) buildFPN(b *builder) {
	a := n.arch
	for i := range 3 {
		n.inner[i] = b.conv(a.Inner[i], true)
		n.layer[i] = b.conv(a.Layer[i], true)
	}
	n.p6, n.p7 = b.conv(a.P6, true), b.conv(a.P7, true)
}

func (n *Network) buildHeads(b *builder) {
	tower := func(specs []net.ArchConv) []headLayer {
		var out []headLayer
		for _, s := range specs {
			// With GroupNorm the conv has no bias and the ReLU follows the norm.
			l := headLayer{conv: b.conv(s, true)}
			if s.GN != "" {
				l.gn = &groupNorm{groups: net.GroupNormGroups, gamma: b.param(s.GN+".weight", true, true),
					beta: b.param(s.GN+".bias", true, true)}
			}
			out = append(out, l)
		}
		return out
	}
	// state_dict order: the class head (tower, logits), then the box head.
	a := n.arch
	n.clsTower = tower(a.ClsTower)
	n.clsOut = b.conv(a.ClsOut, true)
	n.boxTower = tower(a.BoxTower)
	n.boxOut = b.conv(a.BoxOut, true)
}
