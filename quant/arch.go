package quant

import (
	"fmt"
	"strconv"

	"github.com/retina-edge/retina/net"
)

// layerSpec is one conv of the network as the quantized model sees it:
// torchvision's name, the batch norm folded into it, its shape and whether
// a ReLU is fused into its clamp. It mirrors package net's (unexported)
// architecture walk; TestArchMatchesNetParams keeps the two in step.
type layerSpec struct {
	name      string
	bias      bool   // the conv has its own bias tensor
	bn        string // batch norm folded into the conv, or ""
	oc, ic    int
	k, stride int
	pad       int
	relu      bool
}

// blockLayers is a residual block: convs then the add with the identity or
// the downsampled input, followed by a ReLU.
type blockLayers struct {
	convs []layerSpec
	down  *layerSpec
}

// archLayers is the whole network derived from a config.
type archLayers struct {
	stem               layerSpec
	stages             [4][]blockLayers
	inner, layer       [3]layerSpec
	p6, p7             layerSpec
	p6FromC5           bool // P6 reads C5 instead of P5
	clsTower, boxTower []layerSpec
	clsOut, boxOut     layerSpec
}

// newArch derives the layers of a config; v2 heads (GroupNorm) are refused
// because their normalisation has no int8 form here yet.
func newArch(c *net.Config) (*archLayers, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.HeadGroupNorm {
		return nil, fmt.Errorf("quant: GroupNorm heads (v2) are not supported by the int8 model")
	}
	a := &archLayers{}
	const body = "backbone.body."
	a.stem = layerSpec{name: body + "conv1", bn: body + "bn1", oc: c.StemWidth, ic: 3, k: 7, stride: 2, pad: 3, relu: true}
	in := c.StemWidth
	for s := range 4 {
		planes, out := c.Widths[s], c.StageChannels()[s]
		for b := range c.Layers[s] {
			stride := 1
			if s > 0 && b == 0 {
				stride = 2
			}
			p := body + "layer" + strconv.Itoa(s+1) + "." + strconv.Itoa(b) + "."
			var blk blockLayers
			if c.Block == "basic" {
				blk.convs = []layerSpec{
					{name: p + "conv1", bn: p + "bn1", oc: planes, ic: in, k: 3, stride: stride, pad: 1, relu: true},
					{name: p + "conv2", bn: p + "bn2", oc: planes, ic: planes, k: 3, stride: 1, pad: 1},
				}
			} else {
				w := c.BottleneckWidths[s]
				blk.convs = []layerSpec{
					{name: p + "conv1", bn: p + "bn1", oc: w, ic: in, k: 1, stride: 1, relu: true},
					{name: p + "conv2", bn: p + "bn2", oc: w, ic: w, k: 3, stride: stride, pad: 1, relu: true},
					{name: p + "conv3", bn: p + "bn3", oc: out, ic: w, k: 1, stride: 1},
				}
			}
			if stride != 1 || in != out {
				blk.down = &layerSpec{name: p + "downsample.0", bn: p + "downsample.1", oc: out, ic: in, k: 1, stride: stride}
			}
			a.stages[s] = append(a.stages[s], blk)
			in = out
		}
	}
	const fpn = "backbone.fpn."
	f := c.FPNWidth
	for i := range 3 {
		n := strconv.Itoa(i)
		a.inner[i] = layerSpec{name: fpn + "inner_blocks." + n + ".0", bias: true, oc: f, ic: c.StageChannels()[i+1], k: 1, stride: 1}
		a.layer[i] = layerSpec{name: fpn + "layer_blocks." + n + ".0", bias: true, oc: f, ic: f, k: 3, stride: 1, pad: 1}
	}
	p6in := f
	a.p6FromC5 = c.P6FromC5
	if c.P6FromC5 {
		p6in = c.StageChannels()[3]
	}
	a.p6 = layerSpec{name: fpn + "extra_blocks.p6", bias: true, oc: f, ic: p6in, k: 3, stride: 2, pad: 1}
	a.p7 = layerSpec{name: fpn + "extra_blocks.p7", bias: true, oc: f, ic: f, k: 3, stride: 2, pad: 1}
	for i := range c.HeadConvs {
		n := strconv.Itoa(i)
		a.clsTower = append(a.clsTower, layerSpec{name: "head.classification_head.conv." + n + ".0", bias: true, oc: f, ic: f, k: 3, stride: 1, pad: 1, relu: true})
		a.boxTower = append(a.boxTower, layerSpec{name: "head.regression_head.conv." + n + ".0", bias: true, oc: f, ic: f, k: 3, stride: 1, pad: 1, relu: true})
	}
	anchors := c.AnchorsPerCell()
	a.clsOut = layerSpec{name: "head.classification_head.cls_logits", bias: true, oc: anchors * c.NumClasses, ic: f, k: 3, stride: 1, pad: 1}
	a.boxOut = layerSpec{name: "head.regression_head.bbox_reg", bias: true, oc: anchors * 4, ic: f, k: 3, stride: 1, pad: 1}
	return a, nil
}

// layers lists every conv in state_dict order.
func (a *archLayers) layers() []layerSpec {
	out := []layerSpec{a.stem}
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
