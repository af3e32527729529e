package train

import (
	"fmt"
	"math"
	"slices"

	"github.com/retina-edge/retina/net"
)

// EdgeBackbone is the name --backbone gives the edge configuration.
const EdgeBackbone = "edge"

// EdgeSize is the edge configuration's default input side.
const EdgeSize = 256

// EdgeConfig is retina's small configuration for edge machines: a narrow
// ResNet (stem 16, basic blocks [2,2,2,2] of widths 16/32/64/128), an FPN
// and heads 64 wide with 2 convs per tower instead of 4, each followed by
// GroupNorm(32) as in torchvision's v2 head (the frozen-BN backbone has no
// other normalisation, and the GroupNorm towers train from scratch in fewer
// steps: AP50 0.154 vs 0.134 after 500 steps on synth), P6 from P5 (v1),
// anchors scaled with the input (ScaledAnchorSizes), and a resize rule that
// fits every image into a size x size square (MinSize = MaxSize = size).
// At 256 x 256 it is about 0.45 GMAC per image and a ~1.5 MB file.
func EdgeConfig(numClasses, size int) net.Config {
	return net.Config{
		Backbone: "custom", Block: "basic", Layers: [4]int{2, 2, 2, 2},
		StemWidth: 16, Widths: [4]int{16, 32, 64, 128},
		FPNWidth: 64, HeadConvs: 2, HeadGroupNorm: true, NumClasses: numClasses,
		AnchorSizes: ScaledAnchorSizes(size), AspectRatios: net.DefaultAspectRatios(),
		MinSize: size, MaxSize: size, ImageMean: net.ImageNetMean, ImageStd: net.ImageNetStd,
	}
}

// ScaledAnchorSizes are torchvision's anchor sizes for an input of side
// size, where torchvision's 32..512 suit its 800-pixel input: the bases
// become 16, 32, 64, 128, 256 at 256 pixels (scaled linearly with size,
// at least 8 at P3) and each level keeps torchvision's three scales
// (x, int(x*2^(1/3)), int(x*2^(2/3))). Small inputs thus keep anchors for
// the 10-20 pixel objects that a 32-pixel smallest anchor cannot match at
// IoU 0.5.
func ScaledAnchorSizes(size int) [][]int {
	base := max(8, int(math.Round(16*float64(size)/EdgeSize)))
	out := make([][]int, 5)
	for l := range out {
		x := base << l
		out[l] = []int{x, int(float64(x) * math.Pow(2, 1.0/3)), int(float64(x) * math.Pow(2, 2.0/3))}
	}
	return out
}

// Names of the class logits' tensors in the state_dict.
const (
	clsLogitsWeight = "head.classification_head.cls_logits.weight"
	clsLogitsBias   = "head.classification_head.cls_logits.bias"
)

// WithClasses returns cfg and weights for numClasses classes named labels.
// When the count changes, or both old and new classes are named and the
// names differ (shapes fine-tuned to another 5-class set), the class logits
// get a fresh prior-initialised
// layer as torchvision initialises a new RetinaNet head (weights N(0, 0.01)
// from seed, bias -log((1-0.01)/0.01)); every other tensor is kept.
func WithClasses(cfg net.Config, weights map[string]net.Param, numClasses int, labels []string, seed int64) (net.Config, map[string]net.Param, error) {
	if numClasses < 1 {
		return cfg, nil, fmt.Errorf("train: %d classes", numClasses)
	}
	if labels != nil && len(labels) != numClasses {
		return cfg, nil, fmt.Errorf("train: %d class names for %d classes", len(labels), numClasses)
	}
	out := make(map[string]net.Param, len(weights))
	for k, v := range weights {
		out[k] = v
	}
	old, oldLabels := cfg.NumClasses, cfg.Labels
	cfg.NumClasses, cfg.Labels = numClasses, labels
	sameNames := oldLabels == nil || labels == nil || slices.Equal(oldLabels, labels)
	if old == numClasses && sameNames {
		return cfg, out, nil
	}
	// A fresh model of the new configuration supplies the new head, drawn
	// exactly as net.InitialWeights draws a class head.
	fresh, err := net.InitialWeights(cfg, seed)
	if err != nil {
		return cfg, nil, err
	}
	out[clsLogitsWeight] = fresh[clsLogitsWeight]
	out[clsLogitsBias] = fresh[clsLogitsBias]
	return cfg, out, nil
}
