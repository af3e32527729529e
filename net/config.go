// Package net is retina's float RetinaNet: NCHW float32 tensors, the layers
// (conv as im2col + SGEMM with fused bias/ReLU, folded batch norm, max-pool,
// nearest upsample, GroupNorm), the ResNet backbones, the FPN, the shared
// heads, and the forward pass that torchvision 0.14's RetinaNet computes.
//
// The architecture is declared once, in arch.go: Config.Arch derives an
// Arch (every conv with its shape and state_dict names, the blocks, the
// FPN, where P6 reads from, the heads, the activations' names), and the
// float Model here, the trainable network (net/train) and the int8 model
// (quant) are executors built from it. Model.SetObserver lets calibration
// see the float forward's activations by those names.
package net

// Config is everything about a model that is not a weight: the architecture
// (inferred from a checkpoint's tensor names and shapes, or chosen for a new
// model), the classes, the anchors and the preprocessing. It travels as JSON
// in the model file's safetensors __metadata__ under the key "retina".
type Config struct {
	// Backbone names the ResNet ("resnet18", "resnet34", "resnet50") or
	// "custom" for a narrow one whose widths are given below.
	Backbone string `json:"backbone"`
	// Block is "basic" (ResNet-18/34) or "bottleneck" (ResNet-50).
	Block string `json:"block"`
	// Layers is the number of blocks in layer1..layer4.
	Layers [4]int `json:"layers"`
	// StemWidth is conv1's output channels (64 in torchvision).
	StemWidth int `json:"stem_width"`
	// Widths are the "planes" of layer1..layer4 (64, 128, 256, 512). A
	// stage outputs Widths[i] channels (basic) or 4*Widths[i] (bottleneck).
	Widths [4]int `json:"widths"`
	// BottleneckWidths are the inner widths of a bottleneck's 3x3 conv per
	// stage (equal to Widths for torchvision's ResNet-50); empty for basic.
	BottleneckWidths [4]int `json:"bottleneck_widths,omitempty"`

	// FPNWidth is the channel count of P3..P7 and of the heads (256).
	FPNWidth int `json:"fpn_width"`
	// P6FromC5 is true when P6 is computed from C5 (v2, the paper) and false
	// when from P5 (v1). torchvision uses P5 exactly when P6's conv has
	// FPNWidth input channels.
	P6FromC5 bool `json:"p6_from_c5"`
	// HeadConvs is the number of conv3x3+ReLU layers in each head tower (4).
	HeadConvs int `json:"head_convs"`
	// HeadGroupNorm adds GroupNorm(32) after each tower conv (v2).
	HeadGroupNorm bool `json:"head_group_norm"`

	// NumClasses is the number of class logits per anchor; Labels, when
	// present, names each logit index (len == NumClasses).
	NumClasses int      `json:"num_classes"`
	Labels     []string `json:"labels,omitempty"`

	// AnchorSizes holds the anchor sizes per level P3..P7, e.g.
	// [[32 40 50] [64 80 101] ...]; AspectRatios are h/w (0.5, 1, 2).
	// Anchors per cell = len(AnchorSizes[l]) * len(AspectRatios).
	AnchorSizes  [][]int   `json:"anchor_sizes"`
	AspectRatios []float64 `json:"aspect_ratios"`

	// MinSize and MaxSize are torchvision's resize rule:
	// scale = min(MinSize/short side, MaxSize/long side).
	MinSize int `json:"min_size"`
	MaxSize int `json:"max_size"`
	// ImageMean and ImageStd normalise RGB in [0,1].
	ImageMean [3]float32 `json:"image_mean"`
	ImageStd  [3]float32 `json:"image_std"`
}

// AnchorsPerCell is the number of anchors at each feature-map position.
func (c *Config) AnchorsPerCell() int {
	if len(c.AnchorSizes) == 0 {
		return 0
	}
	return len(c.AnchorSizes[0]) * len(c.AspectRatios)
}

// StageChannels returns the output channels of layer1..layer4.
func (c *Config) StageChannels() [4]int {
	out := c.Widths
	if c.Block == "bottleneck" {
		for i := range out {
			out[i] *= 4
		}
	}
	return out
}

// DefaultAnchorSizes are torchvision's: (x, int(x*2^(1/3)), int(x*2^(2/3)))
// for x in 32, 64, 128, 256, 512.
func DefaultAnchorSizes() [][]int {
	return [][]int{{32, 40, 50}, {64, 80, 101}, {128, 161, 203}, {256, 322, 406}, {512, 645, 812}}
}

// DefaultAspectRatios are torchvision's (h/w).
func DefaultAspectRatios() []float64 { return []float64{0.5, 1, 2} }

// ImageNet normalisation, torchvision's default for detection models.
var (
	ImageNetMean = [3]float32{0.485, 0.456, 0.406}
	ImageNetStd  = [3]float32{0.229, 0.224, 0.225}
)

// ResNetConfig returns the torchvision configuration of a standard backbone
// ("resnet18", "resnet34", "resnet50") with numClasses logits, v1 layout.
func ResNetConfig(backbone string, numClasses int) (Config, bool) {
	c := Config{
		Backbone: backbone, StemWidth: 64, Widths: [4]int{64, 128, 256, 512},
		FPNWidth: 256, HeadConvs: 4, NumClasses: numClasses,
		AnchorSizes: DefaultAnchorSizes(), AspectRatios: DefaultAspectRatios(),
		MinSize: 800, MaxSize: 1333, ImageMean: ImageNetMean, ImageStd: ImageNetStd,
	}
	switch backbone {
	case "resnet18":
		c.Block, c.Layers = "basic", [4]int{2, 2, 2, 2}
	case "resnet34":
		c.Block, c.Layers = "basic", [4]int{3, 4, 6, 3}
	case "resnet50":
		c.Block, c.Layers = "bottleneck", [4]int{3, 4, 6, 3}
		c.BottleneckWidths = c.Widths
	default:
		return Config{}, false
	}
	return c, true
}
