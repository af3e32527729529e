package train

import "fmt"

// Box loss types, as torchvision 0.14's _box_loss names them.
const (
	BoxLossL1       = "l1"        // torchvision's RetinaNet default
	BoxLossSmoothL1 = "smooth_l1" // beta from Options.SmoothL1Beta
	BoxLossGIoU     = "giou"      // retinanet_resnet50_fpn_v2's
	BoxLossDIoU     = "diou"
	BoxLossCIoU     = "ciou"
)

// Options configures a Network.
type Options struct {
	// Threads is the number of threads a step uses (< 1 means 1): images
	// run in parallel on min(Threads, N) workers, the rest go to GEMMs.
	Threads int
	// FreezeBackbone N freezes conv1 (the stem) and layer1..layerN of the
	// ResNet: torchvision's trainable_layers = 4 - N. -1 freezes nothing,
	// 0 only the stem, 1 is torchvision's default for a pretrained backbone,
	// 4 freezes every backbone conv. Batch norms are always frozen.
	FreezeBackbone int
	// FocalAlpha and FocalGamma are sigmoid_focal_loss's alpha (a negative
	// alpha disables the weighting, as in torchvision) and gamma (>= 0).
	FocalAlpha, FocalGamma float32
	// BoxLoss is one of the BoxLoss* names; "" means "l1".
	BoxLoss string
	// SmoothL1Beta is smooth_l1's beta (>= 0; 0 is exactly L1). torchvision's
	// _box_loss uses 1.0 when RetinaNet passes no configuration.
	SmoothL1Beta float32
}

// DefaultOptions are torchvision's RetinaNet training defaults: focal
// alpha 0.25 and gamma 2, L1 box loss, and trainable_layers 3 (layer2..4
// trained, FreezeBackbone 1). Threads is 1.
func DefaultOptions() Options {
	return Options{Threads: 1, FreezeBackbone: 1, FocalAlpha: 0.25, FocalGamma: 2, BoxLoss: BoxLossL1, SmoothL1Beta: 1}
}

func (o *Options) check() error {
	if o.FreezeBackbone < -1 || o.FreezeBackbone > 4 {
		return fmt.Errorf("train: freeze-backbone %d out of range: -1 (none) .. 4 (every ResNet stage)", o.FreezeBackbone)
	}
	if !(o.FocalGamma >= 0) {
		return fmt.Errorf("train: focal gamma %g must be >= 0", o.FocalGamma)
	}
	if o.FocalAlpha != o.FocalAlpha || o.FocalAlpha > 1 {
		return fmt.Errorf("train: focal alpha %g must be <= 1 (negative disables it)", o.FocalAlpha)
	}
	switch o.BoxLoss {
	case "", BoxLossL1, BoxLossGIoU, BoxLossDIoU, BoxLossCIoU:
	case BoxLossSmoothL1:
		if !(o.SmoothL1Beta >= 0) {
			return fmt.Errorf("train: smooth-L1 beta %g must be >= 0", o.SmoothL1Beta)
		}
	default:
		return fmt.Errorf("train: box loss %q unknown: want l1, smooth_l1, giou, diou or ciou", o.BoxLoss)
	}
	return nil
}

// stageTrainable reports whether ResNet stage s (0 = layer1) is trained.
func (o *Options) stageTrainable(s int) bool { return s+1 > o.FreezeBackbone }

// stemTrainable reports whether conv1 is trained.
func (o *Options) stemTrainable() bool { return o.FreezeBackbone < 0 }
