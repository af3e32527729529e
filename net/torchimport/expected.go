package torchimport

import (
	"fmt"

	"github.com/retina-edge/retina/net"
)

// ExpectedShapes lists every tensor a torchvision RetinaNet with this
// configuration has in its state_dict (num_batches_tracked excepted), with
// its shape, under torchvision 0.14's names.
func ExpectedShapes(cfg net.Config) map[string][]int {
	m := map[string][]int{}
	bn := func(prefix string, c int) {
		for _, s := range []string{"weight", "bias", "running_mean", "running_var"} {
			m[prefix+"."+s] = []int{c}
		}
	}
	m["backbone.body.conv1.weight"] = []int{cfg.StemWidth, 3, 7, 7}
	bn("backbone.body.bn1", cfg.StemWidth)
	in := cfg.StemWidth
	stages := cfg.StageChannels()
	for s := 0; s < 4; s++ {
		planes, out := cfg.Widths[s], stages[s]
		for b := 0; b < cfg.Layers[s]; b++ {
			p := fmt.Sprintf("backbone.body.layer%d.%d.", s+1, b)
			if cfg.Block == "bottleneck" {
				w := cfg.BottleneckWidths[s]
				m[p+"conv1.weight"] = []int{w, in, 1, 1}
				bn(p+"bn1", w)
				m[p+"conv2.weight"] = []int{w, w, 3, 3}
				bn(p+"bn2", w)
				m[p+"conv3.weight"] = []int{out, w, 1, 1}
				bn(p+"bn3", out)
			} else {
				m[p+"conv1.weight"] = []int{planes, in, 3, 3}
				bn(p+"bn1", planes)
				m[p+"conv2.weight"] = []int{planes, planes, 3, 3}
				bn(p+"bn2", planes)
			}
			// torchvision's _make_layer adds a projection exactly when the
			// first block changes resolution (stages 2-4) or channel count.
			if b == 0 && (s > 0 || in != out) {
				m[p+"downsample.0.weight"] = []int{out, in, 1, 1}
				bn(p+"downsample.1", out)
			}
			in = out
		}
	}
	f := cfg.FPNWidth
	for i, c := range stages[1:] {
		m[fmt.Sprintf("backbone.fpn.inner_blocks.%d.0.weight", i)] = []int{f, c, 1, 1}
		m[fmt.Sprintf("backbone.fpn.inner_blocks.%d.0.bias", i)] = []int{f}
		m[fmt.Sprintf("backbone.fpn.layer_blocks.%d.0.weight", i)] = []int{f, f, 3, 3}
		m[fmt.Sprintf("backbone.fpn.layer_blocks.%d.0.bias", i)] = []int{f}
	}
	p6In := f
	if cfg.P6FromC5 {
		p6In = stages[3]
	}
	m["backbone.fpn.extra_blocks.p6.weight"] = []int{f, p6In, 3, 3}
	m["backbone.fpn.extra_blocks.p6.bias"] = []int{f}
	m["backbone.fpn.extra_blocks.p7.weight"] = []int{f, f, 3, 3}
	m["backbone.fpn.extra_blocks.p7.bias"] = []int{f}
	a := cfg.AnchorsPerCell()
	for _, h := range []struct {
		name, out string
		outC      int
	}{{"classification_head", "cls_logits", a * cfg.NumClasses}, {"regression_head", "bbox_reg", a * 4}} {
		p := "head." + h.name + "."
		for i := 0; i < cfg.HeadConvs; i++ {
			m[fmt.Sprintf("%sconv.%d.0.weight", p, i)] = []int{f, f, 3, 3}
			if cfg.HeadGroupNorm { // v2: GroupNorm affine, and the conv has no bias
				m[fmt.Sprintf("%sconv.%d.1.weight", p, i)] = []int{f}
				m[fmt.Sprintf("%sconv.%d.1.bias", p, i)] = []int{f}
			} else {
				m[fmt.Sprintf("%sconv.%d.0.bias", p, i)] = []int{f}
			}
		}
		m[p+h.out+".weight"] = []int{h.outC, f, 3, 3}
		m[p+h.out+".bias"] = []int{h.outC}
	}
	return m
}
