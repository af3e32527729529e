package train

import (
	"fmt"
	"slices"
	"strconv"

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
	if err := checkWeights(specs, weights); err != nil {
		return nil, err
	}
	n := &Network{cfg: cfg, opts: opts, specs: specs, tensors: map[string]*Param{}, fixed: map[string]net.Param{}}
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

// conv creates a conv named as in the state_dict, with its bias and the
// frozen batch norm bn ("" for none).
func (b *builder) conv(name, bn string, oc, ic, k, stride, pad int, bias, relu, trainable bool) *conv {
	c := &conv{oc: oc, ic: ic, k: k, stride: stride, pad: pad, relu: relu, trainable: trainable}
	c.weight = b.param(name+".weight", trainable, false)
	if bias {
		c.bias = b.param(name+".bias", trainable, false)
	}
	if bn != "" {
		c.scale, c.shift = b.frozenBN(bn, oc)
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
	c := &n.cfg
	const body = "backbone.body."
	n.stem = b.conv(body+"conv1", body+"bn1", c.StemWidth, 3, 7, 2, 3, false, true, n.opts.stemTrainable())
	in := c.StemWidth
	for s := range 4 {
		planes, out := c.Widths[s], c.StageChannels()[s]
		tr := n.opts.stageTrainable(s)
		for i := range c.Layers[s] {
			stride := 1
			if s > 0 && i == 0 {
				stride = 2
			}
			p := body + "layer" + strconv.Itoa(s+1) + "." + strconv.Itoa(i) + "."
			var blk block
			if c.Block == "basic" {
				blk.convs = []*conv{
					b.conv(p+"conv1", p+"bn1", planes, in, 3, stride, 1, false, true, tr),
					b.conv(p+"conv2", p+"bn2", planes, planes, 3, 1, 1, false, false, tr),
				}
			} else {
				width := c.BottleneckWidths[s]
				blk.convs = []*conv{
					b.conv(p+"conv1", p+"bn1", width, in, 1, 1, 0, false, true, tr),
					b.conv(p+"conv2", p+"bn2", width, width, 3, stride, 1, false, true, tr),
					b.conv(p+"conv3", p+"bn3", out, width, 1, 1, 0, false, false, tr),
				}
			}
			if stride != 1 || in != out {
				blk.down = b.conv(p+"downsample.0", p+"downsample.1", out, in, 1, stride, 0, false, false, tr)
			}
			n.stages[s] = append(n.stages[s], blk)
			in = out
		}
	}
}

func (n *Network) buildFPN(b *builder) {
	c := &n.cfg
	const fpn = "backbone.fpn."
	f := c.FPNWidth
	for i := range 3 {
		s := strconv.Itoa(i)
		n.inner[i] = b.conv(fpn+"inner_blocks."+s+".0", "", f, c.StageChannels()[i+1], 1, 1, 0, true, false, true)
		n.layer[i] = b.conv(fpn+"layer_blocks."+s+".0", "", f, f, 3, 1, 1, true, false, true)
	}
	p6in := f
	if c.P6FromC5 {
		p6in = c.StageChannels()[3]
	}
	n.p6 = b.conv(fpn+"extra_blocks.p6", "", f, p6in, 3, 2, 1, true, false, true)
	n.p7 = b.conv(fpn+"extra_blocks.p7", "", f, f, 3, 2, 1, true, false, true)
}

func (n *Network) buildHeads(b *builder) {
	c := &n.cfg
	f := c.FPNWidth
	tower := func(prefix string) []headLayer {
		var out []headLayer
		for i := range c.HeadConvs {
			p := prefix + strconv.Itoa(i) + "."
			// With GroupNorm the conv has no bias and the ReLU follows the norm.
			l := headLayer{conv: b.conv(p+"0", "", f, f, 3, 1, 1, !c.HeadGroupNorm, !c.HeadGroupNorm, true)}
			if c.HeadGroupNorm {
				l.gn = &groupNorm{groups: net.GroupNormGroups, gamma: b.param(p+"1.weight", true, true),
					beta: b.param(p+"1.bias", true, true)}
			}
			out = append(out, l)
		}
		return out
	}
	// state_dict order: the class head (tower, logits), then the box head.
	n.clsTower = tower("head.classification_head.conv.")
	a := c.AnchorsPerCell()
	n.clsOut = b.conv("head.classification_head.cls_logits", "", a*c.NumClasses, f, 3, 1, 1, true, false, true)
	n.boxTower = tower("head.regression_head.conv.")
	n.boxOut = b.conv("head.regression_head.bbox_reg", "", a*4, f, 3, 1, 1, true, false, true)
}

// checkWeights verifies that weights hold exactly the tensors of specs with
// their exact shapes and element counts, naming the first offender.
func checkWeights(specs []net.ParamShape, weights map[string]net.Param) error {
	for _, s := range specs {
		p, ok := weights[s.Name]
		if !ok {
			return fmt.Errorf("train: missing tensor %s (shape %v)", s.Name, s.Shape)
		}
		if !slices.Equal(p.Shape, s.Shape) {
			return fmt.Errorf("train: tensor %s has shape %v, want %v", s.Name, p.Shape, s.Shape)
		}
		size := 1
		for _, d := range s.Shape {
			size *= d
		}
		if len(p.Data) != size {
			return fmt.Errorf("train: tensor %s has %d elements, its shape %v needs %d", s.Name, len(p.Data), s.Shape, size)
		}
	}
	if len(weights) != len(specs) {
		want := make(map[string]bool, len(specs))
		for _, s := range specs {
			want[s.Name] = true
		}
		var extra []string
		for name := range weights {
			if !want[name] {
				extra = append(extra, name)
			}
		}
		slices.Sort(extra)
		return fmt.Errorf("train: unexpected tensor %s (%d tensors the configuration does not use)", extra[0], len(extra))
	}
	return nil
}
