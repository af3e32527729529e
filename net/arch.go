package net

import (
	"fmt"
	"strconv"
)

// NumLevels is the number of pyramid levels, P3..P7.
const NumLevels = 5

// The norms' constants, shared by every executor: the v2 heads'
// GroupNorm(32, C) with torch.nn.GroupNorm's default epsilon, and the
// epsilon of torchvision's FrozenBatchNorm2d (and BatchNorm2d).
const (
	GroupNormGroups = 32
	GroupNormEps    = 1e-5
	BatchNormEps    = 1e-5
)

// ParamShape is one tensor of a model's state_dict: torchvision's name and shape.
type ParamShape struct {
	Name  string
	Shape []int
}

// convSpec is one conv layer and the normalisation that follows it, named
// as in torchvision's state_dict.
type convSpec struct {
	name        string // the conv's prefix: name+".weight", name+".bias"
	bias        bool   // the conv has its own bias
	bn          string // prefix of a batch norm folded into the conv, or ""
	gn          string // prefix of a GroupNorm applied after the conv, or ""
	oc, ic      int
	k, stride   int
	pad         int
	reluInPlace bool // a ReLU follows (after the norm)
}

// blockSpec is a residual block: convs[0..n-1] then the join with the
// identity or the downsampled input.
type blockSpec struct {
	convs []convSpec
	down  *convSpec
}

// archSpec is the whole network, one field per part, derived from a Config.
type archSpec struct {
	stem               convSpec
	stages             [4][]blockSpec
	inner, layer       [3]convSpec // FPN lateral 1x1 and output 3x3 for C3..C5
	p6, p7             convSpec
	clsTower, boxTower []convSpec
	clsOut, boxOut     convSpec
}

// newArchSpec derives the layers of a validated config.
func newArchSpec(c *Config) *archSpec {
	a := &archSpec{}
	const body = "backbone.body."
	a.stem = convSpec{name: body + "conv1", bn: body + "bn1", oc: c.StemWidth, ic: 3, k: 7, stride: 2, pad: 3, reluInPlace: true}
	in := c.StemWidth
	for s := range 4 {
		planes := c.Widths[s]
		out := c.StageChannels()[s]
		for b := range c.Layers[s] {
			stride := 1
			if s > 0 && b == 0 {
				stride = 2
			}
			p := body + "layer" + strconv.Itoa(s+1) + "." + strconv.Itoa(b) + "."
			var blk blockSpec
			if c.Block == "basic" {
				blk.convs = []convSpec{
					conv3x3Spec(p+"conv1", p+"bn1", in, planes, stride, true),
					conv3x3Spec(p+"conv2", p+"bn2", planes, planes, 1, false),
				}
			} else {
				width := c.BottleneckWidths[s]
				blk.convs = []convSpec{
					{name: p + "conv1", bn: p + "bn1", oc: width, ic: in, k: 1, stride: 1, reluInPlace: true},
					conv3x3Spec(p+"conv2", p+"bn2", width, width, stride, true),
					{name: p + "conv3", bn: p + "bn3", oc: out, ic: width, k: 1, stride: 1},
				}
			}
			if stride != 1 || in != out {
				blk.down = &convSpec{name: p + "downsample.0", bn: p + "downsample.1", oc: out, ic: in, k: 1, stride: stride}
			}
			a.stages[s] = append(a.stages[s], blk)
			in = out
		}
	}
	const fpn = "backbone.fpn."
	f := c.FPNWidth
	for i := range 3 {
		n := strconv.Itoa(i)
		a.inner[i] = convSpec{name: fpn + "inner_blocks." + n + ".0", bias: true, oc: f, ic: c.StageChannels()[i+1], k: 1, stride: 1}
		a.layer[i] = convSpec{name: fpn + "layer_blocks." + n + ".0", bias: true, oc: f, ic: f, k: 3, stride: 1, pad: 1}
	}
	p6in := f
	if c.P6FromC5 {
		p6in = c.StageChannels()[3]
	}
	a.p6 = convSpec{name: fpn + "extra_blocks.p6", bias: true, oc: f, ic: p6in, k: 3, stride: 2, pad: 1}
	a.p7 = convSpec{name: fpn + "extra_blocks.p7", bias: true, oc: f, ic: f, k: 3, stride: 2, pad: 1}
	a.clsTower = headTower(c, "head.classification_head.conv.")
	a.boxTower = headTower(c, "head.regression_head.conv.")
	anchors := c.AnchorsPerCell()
	a.clsOut = convSpec{name: "head.classification_head.cls_logits", bias: true, oc: anchors * c.NumClasses, ic: f, k: 3, stride: 1, pad: 1}
	a.boxOut = convSpec{name: "head.regression_head.bbox_reg", bias: true, oc: anchors * 4, ic: f, k: 3, stride: 1, pad: 1}
	return a
}

func conv3x3Spec(name, bn string, in, out, stride int, relu bool) convSpec {
	return convSpec{name: name, bn: bn, oc: out, ic: in, k: 3, stride: stride, pad: 1, reluInPlace: relu}
}

// headTower is Conv2dNormActivation x HeadConvs: conv.N.0 is the conv (with
// a bias only when there is no norm), conv.N.1 the GroupNorm.
func headTower(c *Config, prefix string) []convSpec {
	var out []convSpec
	for i := range c.HeadConvs {
		p := prefix + strconv.Itoa(i) + "."
		s := convSpec{name: p + "0", bias: !c.HeadGroupNorm, oc: c.FPNWidth, ic: c.FPNWidth, k: 3, stride: 1, pad: 1, reluInPlace: true}
		if c.HeadGroupNorm {
			s.gn = p + "1"
		}
		out = append(out, s)
	}
	return out
}

// convs lists every conv in state_dict order.
func (a *archSpec) convs() []convSpec {
	out := []convSpec{a.stem}
	for _, st := range a.stages {
		for _, b := range st {
			out = append(out, b.convs...)
			if b.down != nil {
				out = append(out, *b.down)
			}
		}
	}
	out = append(out, a.inner[:]...)
	out = append(out, a.layer[:]...)
	out = append(out, a.p6, a.p7)
	out = append(out, a.clsTower...)
	out = append(out, a.clsOut)
	out = append(out, a.boxTower...)
	out = append(out, a.boxOut)
	return out
}

// params lists the state_dict tensors of one conv and its norm.
func (s *convSpec) params() []ParamShape {
	out := []ParamShape{{s.name + ".weight", []int{s.oc, s.ic, s.k, s.k}}}
	if s.bias {
		out = append(out, ParamShape{s.name + ".bias", []int{s.oc}})
	}
	if s.bn != "" {
		for _, f := range []string{"weight", "bias", "running_mean", "running_var"} {
			out = append(out, ParamShape{s.bn + "." + f, []int{s.oc}})
		}
	}
	if s.gn != "" {
		out = append(out, ParamShape{s.gn + ".weight", []int{s.oc}}, ParamShape{s.gn + ".bias", []int{s.oc}})
	}
	return out
}

// Params lists every tensor a model of this configuration holds, with
// torchvision's state_dict names and shapes, in state_dict order (batch
// norms' num_batches_tracked are not part of the model). It fails when the
// configuration is invalid.
func (c *Config) Params() ([]ParamShape, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out []ParamShape
	for _, s := range newArchSpec(c).convs() {
		out = append(out, s.params()...)
	}
	return out, nil
}

func (p ParamShape) String() string { return fmt.Sprintf("%s %v", p.Name, p.Shape) }
