package net

import "fmt"

// MaxInputSide bounds a model file's min_size and max_size (retina train's
// --size limit): a lying configuration must not make detect allocate inputs
// and activations for a gigapixel image.
const MaxInputSide = 4096

// maxAnchorSize is the largest anchor side the box decoder accepts.
const maxAnchorSize = 1 << 20

// Validate reports a configuration that does not describe a network this
// package can build exactly as torchvision would.
func (c *Config) Validate() error {
	switch c.Block {
	case "basic", "bottleneck":
	default:
		return fmt.Errorf("config: block is %q, want \"basic\" or \"bottleneck\"", c.Block)
	}
	if c.StemWidth < 1 {
		return fmt.Errorf("config: stem_width %d must be at least 1", c.StemWidth)
	}
	for i := range 4 {
		if c.Layers[i] < 1 {
			return fmt.Errorf("config: layers[%d] is %d, each stage needs at least one block", i, c.Layers[i])
		}
		if c.Widths[i] < 1 {
			return fmt.Errorf("config: widths[%d] is %d, must be at least 1", i, c.Widths[i])
		}
		if c.Block == "bottleneck" && c.BottleneckWidths[i] < 1 {
			return fmt.Errorf("config: bottleneck_widths[%d] is %d, must be at least 1", i, c.BottleneckWidths[i])
		}
	}
	if c.FPNWidth < 1 {
		return fmt.Errorf("config: fpn_width %d must be at least 1", c.FPNWidth)
	}
	if c.HeadConvs < 0 {
		return fmt.Errorf("config: head_convs %d is negative", c.HeadConvs)
	}
	if c.HeadGroupNorm && c.FPNWidth%GroupNormGroups != 0 {
		return fmt.Errorf("config: head_group_norm needs fpn_width divisible by %d, have %d", GroupNormGroups, c.FPNWidth)
	}
	// torchvision's LastLevelP6P7 reads P5 exactly when its input width equals
	// the FPN width, so a C5 as wide as the FPN cannot feed P6.
	if c.P6FromC5 && c.StageChannels()[3] == c.FPNWidth {
		return fmt.Errorf("config: p6_from_c5 with C5 as wide as the FPN (%d): torchvision would use P5", c.FPNWidth)
	}
	if c.NumClasses < 1 {
		return fmt.Errorf("config: num_classes %d must be at least 1", c.NumClasses)
	}
	if len(c.Labels) != 0 && len(c.Labels) != c.NumClasses {
		return fmt.Errorf("config: %d labels for %d classes", len(c.Labels), c.NumClasses)
	}
	if len(c.AnchorSizes) != NumLevels {
		return fmt.Errorf("config: anchor_sizes has %d levels, want %d (P3..P7)", len(c.AnchorSizes), NumLevels)
	}
	for l, sizes := range c.AnchorSizes {
		if len(sizes) == 0 || len(sizes) != len(c.AnchorSizes[0]) {
			return fmt.Errorf("config: anchor_sizes[%d] has %d sizes; every level needs the same non-zero count", l, len(sizes))
		}
	}
	for l, sizes := range c.AnchorSizes {
		for _, s := range sizes {
			if s < 1 || s > maxAnchorSize {
				return fmt.Errorf("config: anchor size %d at level P%d: want 1..%d", s, l+3, maxAnchorSize)
			}
		}
	}
	if len(c.AspectRatios) == 0 {
		return fmt.Errorf("config: aspect_ratios is empty")
	}
	for _, r := range c.AspectRatios {
		if !(r > 0) {
			return fmt.Errorf("config: aspect ratio %v must be positive", r)
		}
	}
	if c.MinSize < 1 || c.MaxSize < 1 {
		return fmt.Errorf("config: min_size %d and max_size %d must be positive", c.MinSize, c.MaxSize)
	}
	if c.MinSize > MaxInputSide || c.MaxSize > MaxInputSide {
		return fmt.Errorf("config: min_size %d and max_size %d: want at most %d", c.MinSize, c.MaxSize, MaxInputSide)
	}
	for ch, s := range c.ImageStd {
		if !(s > 0) {
			return fmt.Errorf("config: image_std[%d] = %v must be positive", ch, s)
		}
	}
	return nil
}
