package torchimport

import (
	"fmt"
	"sort"
	"strings"

	"github.com/retina-edge/retina/net"
)

// Options adjust what a checkpoint cannot say about itself.
type Options struct {
	// MinSize and MaxSize are the resize rule; 0 keeps torchvision's 800 / 1333.
	MinSize, MaxSize int
	// Labels names the logits; nil gives torchvision's COCO names when the
	// head has 91 classes and no names otherwise.
	Labels []string
	// AnchorSizes (per level P3..P7) and AspectRatios replace torchvision's
	// defaults for a model trained with another anchor generator; nil keeps
	// the defaults (3 sizes x 3 ratios = 9 anchors per cell).
	AnchorSizes  [][]int
	AspectRatios []float64
}

// inferConfig reads the architecture off the tensor names and shapes
// (already normalised to torchvision 0.14's names).
func inferConfig(shapes map[string][]int, opts Options) (net.Config, error) {
	need := func(name string, rank int) ([]int, error) {
		s, ok := shapes[name]
		if !ok {
			return nil, missingKey(shapes, name)
		}
		if len(s) != rank {
			return nil, fmt.Errorf("tensor %q has shape %v, want rank %d", name, s, rank)
		}
		return s, nil
	}
	cfg := net.Config{
		FPNWidth: 0, ImageMean: net.ImageNetMean, ImageStd: net.ImageNetStd,
		MinSize: 800, MaxSize: 1333, AnchorSizes: net.DefaultAnchorSizes(), AspectRatios: net.DefaultAspectRatios(),
	}
	stem, err := need("backbone.body.conv1.weight", 4)
	if err != nil {
		return cfg, err
	}
	cfg.StemWidth = stem[0]
	cfg.Block = "basic"
	if _, ok := shapes["backbone.body.layer1.0.conv3.weight"]; ok {
		cfg.Block = "bottleneck"
	}
	for s := 0; s < 4; s++ {
		p := fmt.Sprintf("backbone.body.layer%d.", s+1)
		conv1, err := need(p+"0.conv1.weight", 4)
		if err != nil {
			return cfg, err
		}
		for cfg.Layers[s] = 1; ; cfg.Layers[s]++ {
			if _, ok := shapes[fmt.Sprintf("%s%d.conv1.weight", p, cfg.Layers[s])]; !ok {
				break
			}
		}
		if cfg.Block == "basic" {
			cfg.Widths[s] = conv1[0]
			continue
		}
		conv2, err := need(p+"0.conv2.weight", 4)
		if err != nil {
			return cfg, err
		}
		if conv2[1] != conv2[0] {
			return cfg, fmt.Errorf("%s0.conv2.weight has shape %v: grouped convolutions (ResNeXt) are not supported", p, conv2)
		}
		conv3, err := need(p+"0.conv3.weight", 4)
		if err != nil {
			return cfg, err
		}
		if conv3[0]%4 != 0 {
			return cfg, fmt.Errorf("%s0.conv3.weight has %d output channels, not 4 x planes as in a bottleneck", p, conv3[0])
		}
		cfg.Widths[s], cfg.BottleneckWidths[s] = conv3[0]/4, conv1[0]
	}
	lb, err := need("backbone.fpn.layer_blocks.0.0.weight", 4)
	if err != nil {
		return cfg, err
	}
	cfg.FPNWidth = lb[0]
	p6, err := need("backbone.fpn.extra_blocks.p6.weight", 4)
	if err != nil {
		return cfg, err
	}
	// LastLevelP6P7: use_P5 = in_channels == out_channels.
	cfg.P6FromC5 = p6[1] != cfg.FPNWidth
	cls, err := need("head.classification_head.cls_logits.weight", 4)
	if err != nil {
		return cfg, err
	}
	reg, err := need("head.regression_head.bbox_reg.weight", 4)
	if err != nil {
		return cfg, err
	}
	for ; ; cfg.HeadConvs++ {
		if _, ok := shapes[fmt.Sprintf("head.classification_head.conv.%d.0.weight", cfg.HeadConvs)]; !ok {
			break
		}
	}
	_, cfg.HeadGroupNorm = shapes["head.classification_head.conv.0.1.weight"]
	if err := inferAnchors(&cfg, reg[0], cls[0], opts); err != nil {
		return cfg, err
	}
	if opts.MinSize > 0 {
		cfg.MinSize = opts.MinSize
	}
	if opts.MaxSize > 0 {
		cfg.MaxSize = opts.MaxSize
	}
	switch {
	case opts.Labels != nil:
		if len(opts.Labels) != cfg.NumClasses {
			return cfg, fmt.Errorf("%d labels given for a head with %d classes", len(opts.Labels), cfg.NumClasses)
		}
		cfg.Labels = append([]string{}, opts.Labels...)
	case cfg.NumClasses == len(cocoCategoryNames):
		cfg.Labels = COCOLabels()
	}
	cfg.Backbone = backboneName(cfg)
	return cfg, nil
}

// inferAnchors derives anchors per cell A from the box head (4 outputs per
// anchor) and the class count from the class head (K per anchor). The anchor
// sizes themselves are not in a state_dict: they must be the defaults (or
// the options), and those must give the same A.
func inferAnchors(cfg *net.Config, regOut, clsOut int, opts Options) error {
	if regOut%4 != 0 || regOut == 0 {
		return fmt.Errorf("head.regression_head.bbox_reg has %d output channels, not 4 per anchor", regOut)
	}
	a := regOut / 4
	if clsOut%a != 0 || clsOut == 0 {
		return fmt.Errorf("head.classification_head.cls_logits has %d output channels, not a multiple of the %d anchors per cell", clsOut, a)
	}
	cfg.NumClasses = clsOut / a
	if opts.AnchorSizes != nil {
		cfg.AnchorSizes = opts.AnchorSizes
	}
	if opts.AspectRatios != nil {
		cfg.AspectRatios = opts.AspectRatios
	}
	if len(cfg.AnchorSizes) != 5 {
		return fmt.Errorf("%d anchor size levels given, RetinaNet has 5 (P3..P7)", len(cfg.AnchorSizes))
	}
	for l, sizes := range cfg.AnchorSizes {
		if got := len(sizes) * len(cfg.AspectRatios); got != a {
			return fmt.Errorf("the heads predict %d anchors per cell but the anchor generator gives %d at level P%d "+
				"(%d sizes x %d aspect ratios): a state_dict does not record anchor sizes, so give the sizes and ratios "+
				"the model was trained with (torchvision's default is 3 x 3 = 9)", a, got, l+3, len(sizes), len(cfg.AspectRatios))
		}
	}
	return nil
}

// backboneName names a standard torchvision ResNet, else "custom".
func backboneName(cfg net.Config) string {
	for _, name := range []string{"resnet18", "resnet34", "resnet50"} {
		std, _ := net.ResNetConfig(name, 0)
		if std.Block == cfg.Block && std.Layers == cfg.Layers && std.StemWidth == cfg.StemWidth &&
			std.Widths == cfg.Widths && std.BottleneckWidths == cfg.BottleneckWidths {
			return name
		}
	}
	return "custom"
}

// missingKey explains a missing tensor, with a guess at what the checkpoint is.
func missingKey(shapes map[string][]int, name string) error {
	hint := ""
	has := func(prefix string) bool {
		for n := range shapes {
			if strings.HasPrefix(n, prefix) {
				return true
			}
		}
		return false
	}
	switch {
	case has("rpn.") || has("roi_heads."):
		hint = " (it has rpn.* / roi_heads.* tensors: a Faster or Mask R-CNN?)"
	case has("fc.") || has("conv1.") || has("layer1."):
		hint = " (it has bare ResNet names such as conv1.weight / fc.weight: a classification network?)"
	case len(shapes) > 0:
		var some []string
		for n := range shapes {
			some = append(some, n)
		}
		sort.Strings(some)
		if len(some) > 3 {
			some = some[:3]
		}
		hint = fmt.Sprintf(" (it has e.g. %s)", strings.Join(some, ", "))
	}
	return fmt.Errorf("not a torchvision RetinaNet state_dict: missing %q%s", name, hint)
}
