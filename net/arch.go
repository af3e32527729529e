package net

import (
	"fmt"
	"strconv"

	"github.com/retina-edge/retina/kernels"
)

// This file declares the RetinaNet topology once: the backbone's stages,
// the FPN, where P6 reads from, the heads, the pyramid levels, every
// conv's shape and its state_dict names, and the names of the activations
// between them. The float model (Model), the trainable network
// (net/train) and the int8 model (quant) are executors built from the
// Arch that Config.Arch derives; none of them spells a layer again.

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

func (p ParamShape) String() string { return fmt.Sprintf("%s %v", p.Name, p.Shape) }

// ArchConv is one conv of the network with the normalisation after it,
// named as in torchvision's state_dict.
type ArchConv struct {
	Name   string // prefix of the conv's tensors: Name+".weight", Name+".bias"
	Bias   bool   // the conv has its own bias
	BN     string // prefix of a batch norm folded into the conv, or ""
	GN     string // prefix of a GroupNorm (GroupNormGroups groups) after the conv, or ""
	OutC   int
	InC    int
	K      int // square kernel
	Stride int
	Pad    int
	// ReLU follows the conv (after its norm). The last conv of a residual
	// block has none: its ReLU comes after the join.
	ReLU bool
	// Scale is how many times smaller than the network's input the conv's
	// output map is (2 for the stem .. 128 for P7); 0 for the heads' convs,
	// which run on every level. The algorithm table picks by it.
	Scale int
}

// ArchBlock is a residual block: Convs in order, then the join with the
// identity or with Down(input), then a ReLU.
type ArchBlock struct {
	Convs []ArchConv
	Down  *ArchConv
}

// Feature names a backbone or FPN output that a layer reads.
type Feature int

const (
	FeatureP5 Feature = iota // the FPN's P5 (RetinaNet v1, torchvision's LastLevelP6P7 with use_P5)
	FeatureC5                // the backbone's C5, layer4's output (v2, the paper)
)

// Arch is the whole network of a configuration, one field per part.
type Arch struct {
	Stem               ArchConv
	Stages             [4][]ArchBlock
	Inner, Layer       [3]ArchConv // FPN lateral 1x1 and output 3x3 for C3..C5
	P6, P7             ArchConv    // P6 reads P6Input; P7 reads relu(P6)
	P6Input            Feature
	ClsTower, BoxTower []ArchConv // shared by every level, each level's activations its own
	ClsOut, BoxOut     ArchConv
}

// Arch derives the layers of the configuration; it fails when the
// configuration is invalid.
func (c *Config) Arch() (*Arch, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return newArch(c), nil
}

// newArch derives the layers of a validated config.
func newArch(c *Config) *Arch {
	a := &Arch{}
	const body = "backbone.body."
	a.Stem = ArchConv{Name: body + "conv1", BN: body + "bn1", OutC: c.StemWidth, InC: 3, K: 7, Stride: 2, Pad: 3, ReLU: true, Scale: 2}
	in := c.StemWidth
	for s := range 4 {
		planes := c.Widths[s]
		out := c.StageChannels()[s]
		scale := 4 << s // after the stem's and the max-pool's stride 2
		for b := range c.Layers[s] {
			stride := 1
			if s > 0 && b == 0 {
				stride = 2
			}
			p := body + "layer" + strconv.Itoa(s+1) + "." + strconv.Itoa(b) + "."
			var blk ArchBlock
			if c.Block == "basic" {
				blk.Convs = []ArchConv{
					conv3x3(p+"conv1", p+"bn1", in, planes, stride, scale, true),
					conv3x3(p+"conv2", p+"bn2", planes, planes, 1, scale, false),
				}
			} else {
				width := c.BottleneckWidths[s]
				blk.Convs = []ArchConv{
					{Name: p + "conv1", BN: p + "bn1", OutC: width, InC: in, K: 1, Stride: 1, ReLU: true, Scale: scale / stride},
					conv3x3(p+"conv2", p+"bn2", width, width, stride, scale, true),
					{Name: p + "conv3", BN: p + "bn3", OutC: out, InC: width, K: 1, Stride: 1, Scale: scale},
				}
			}
			if stride != 1 || in != out {
				blk.Down = &ArchConv{Name: p + "downsample.0", BN: p + "downsample.1", OutC: out, InC: in, K: 1, Stride: stride, Scale: scale}
			}
			a.Stages[s] = append(a.Stages[s], blk)
			in = out
		}
	}
	const fpn = "backbone.fpn."
	f := c.FPNWidth
	for i := range 3 {
		n := strconv.Itoa(i)
		scale := 8 << i // P3, P4, P5
		a.Inner[i] = ArchConv{Name: fpn + "inner_blocks." + n + ".0", Bias: true, OutC: f, InC: c.StageChannels()[i+1], K: 1, Stride: 1, Scale: scale}
		a.Layer[i] = ArchConv{Name: fpn + "layer_blocks." + n + ".0", Bias: true, OutC: f, InC: f, K: 3, Stride: 1, Pad: 1, Scale: scale}
	}
	// torchvision's LastLevelP6P7 reads P5 exactly when P6's conv has
	// FPNWidth input channels.
	p6in := f
	if c.P6FromC5 {
		a.P6Input, p6in = FeatureC5, c.StageChannels()[3]
	}
	a.P6 = ArchConv{Name: fpn + "extra_blocks.p6", Bias: true, OutC: f, InC: p6in, K: 3, Stride: 2, Pad: 1, Scale: 64}
	a.P7 = ArchConv{Name: fpn + "extra_blocks.p7", Bias: true, OutC: f, InC: f, K: 3, Stride: 2, Pad: 1, Scale: 128}
	a.ClsTower = headTower(c, "head.classification_head.conv.")
	a.BoxTower = headTower(c, "head.regression_head.conv.")
	anchors := c.AnchorsPerCell()
	a.ClsOut = ArchConv{Name: "head.classification_head.cls_logits", Bias: true, OutC: anchors * c.NumClasses, InC: f, K: 3, Stride: 1, Pad: 1}
	a.BoxOut = ArchConv{Name: "head.regression_head.bbox_reg", Bias: true, OutC: anchors * 4, InC: f, K: 3, Stride: 1, Pad: 1}
	return a
}

func conv3x3(name, bn string, in, out, stride, scale int, relu bool) ArchConv {
	return ArchConv{Name: name, BN: bn, OutC: out, InC: in, K: 3, Stride: stride, Pad: 1, ReLU: relu, Scale: scale}
}

// headTower is Conv2dNormActivation x HeadConvs: conv.N.0 is the conv (with
// a bias only when there is no norm), conv.N.1 the GroupNorm.
func headTower(c *Config, prefix string) []ArchConv {
	var out []ArchConv
	for i := range c.HeadConvs {
		p := prefix + strconv.Itoa(i) + "."
		s := ArchConv{Name: p + "0", Bias: !c.HeadGroupNorm, OutC: c.FPNWidth, InC: c.FPNWidth, K: 3, Stride: 1, Pad: 1, ReLU: true}
		if c.HeadGroupNorm {
			s.GN = p + "1"
		}
		out = append(out, s)
	}
	return out
}

// Convs lists every conv in state_dict order.
func (a *Arch) Convs() []ArchConv {
	out := []ArchConv{a.Stem}
	for _, st := range a.Stages {
		for _, b := range st {
			out = append(out, b.Convs...)
			if b.Down != nil {
				out = append(out, *b.Down)
			}
		}
	}
	out = append(out, a.Inner[:]...)
	out = append(out, a.Layer[:]...)
	out = append(out, a.P6, a.P7)
	out = append(out, a.ClsTower...)
	out = append(out, a.ClsOut)
	out = append(out, a.BoxTower...)
	out = append(out, a.BoxOut)
	return out
}

// Params lists the state_dict tensors of one conv and its norm.
func (s *ArchConv) Params() []ParamShape {
	out := []ParamShape{{s.Name + ".weight", []int{s.OutC, s.InC, s.K, s.K}}}
	if s.Bias {
		out = append(out, ParamShape{s.Name + ".bias", []int{s.OutC}})
	}
	if s.BN != "" {
		for _, f := range []string{"weight", "bias", "running_mean", "running_var"} {
			out = append(out, ParamShape{s.BN + "." + f, []int{s.OutC}})
		}
	}
	if s.GN != "" {
		out = append(out, ParamShape{s.GN + ".weight", []int{s.OutC}}, ParamShape{s.GN + ".bias", []int{s.OutC}})
	}
	return out
}

// Shape is the kernels' description of this conv over an h x w input
// (0 x 0 when only the kernel geometry matters).
func (s *ArchConv) Shape(h, w int) kernels.ConvShape {
	return kernels.ConvShape{C: s.InC, H: h, W: w, KH: s.K, KW: s.K, StrideH: s.Stride, StrideW: s.Stride,
		PadH: s.Pad, PadW: s.Pad, DilH: 1, DilW: 1}
}

// OutSize is the output height or width for an input of n.
func (s *ArchConv) OutSize(n int) int { return (n+2*s.Pad-s.K)/s.Stride + 1 }

// Pointwise reports a conv whose im2col matrix is its input.
func (s *ArchConv) Pointwise() bool { return s.K == 1 && s.Stride == 1 && s.Pad == 0 }

// ColRows is the depth of the conv's GEMM: InC*K*K.
func (s *ArchConv) ColRows() int { return s.InC * s.K * s.K }

// ColSize is the im2col matrix of one h x w image (0 for a pointwise conv).
func (s *ArchConv) ColSize(h, w int) int {
	if s.Pointwise() {
		return 0
	}
	return s.ColRows() * s.OutSize(h) * s.OutSize(w)
}

// Params lists every tensor a model of this configuration holds, with
// torchvision's state_dict names and shapes, in state_dict order (batch
// norms' num_batches_tracked are not part of the model). It fails when the
// configuration is invalid.
func (c *Config) Params() ([]ParamShape, error) {
	a, err := c.Arch()
	if err != nil {
		return nil, err
	}
	var out []ParamShape
	for _, s := range a.Convs() {
		out = append(out, s.Params()...)
	}
	return out, nil
}

// The activations between the layers are named too, so that an observer
// of the float forward (Model.SetObserver) and the int8 model's parameters
// (package quant) speak of the same tensors: a conv's output is its Name,
// and the joins and levels are named below.

// InputActivation names the normalised input image.
const InputActivation = "input"

// Output names a residual block's output, after the join and its ReLU.
func (b *ArchBlock) Output() string { return b.Convs[len(b.Convs)-1].Name + ".block" }

// LateralSum names FPN level i's lateral output after the top-down add
// (i = 0, 1; level 2 has no add).
func (a *Arch) LateralSum(i int) string { return a.Inner[i].Name + ".sum" }

// LevelName is pyramid level l's name, P3..P7.
func LevelName(l int) string { return "P" + strconv.Itoa(l+3) }

// LevelActivation names the activation of a per-level layer (base: a head
// tower conv's Name, or PyramidBase for the FPN outputs) on level l.
func LevelActivation(base string, l int) string { return base + "." + LevelName(l) }

// PyramidBase is the base of the FPN outputs' per-level names.
const PyramidBase = "pyramid"

// PyramidActivation names FPN output level l (P3..P7).
func PyramidActivation(l int) string { return LevelActivation(PyramidBase, l) }
