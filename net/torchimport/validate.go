package torchimport

import (
	"fmt"
	"sort"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// ValidateConfig checks that a Config describes a model retina can build.
func ValidateConfig(cfg net.Config) error {
	if cfg.Block != "basic" && cfg.Block != "bottleneck" {
		return fmt.Errorf("config: block %q, want basic or bottleneck", cfg.Block)
	}
	if cfg.StemWidth < 1 || cfg.FPNWidth < 1 || cfg.HeadConvs < 0 || cfg.NumClasses < 1 {
		return fmt.Errorf("config: stem width %d, FPN width %d, head convs %d and classes %d must be positive",
			cfg.StemWidth, cfg.FPNWidth, cfg.HeadConvs, cfg.NumClasses)
	}
	for s := 0; s < 4; s++ {
		if cfg.Layers[s] < 1 || cfg.Widths[s] < 1 {
			return fmt.Errorf("config: stage %d has %d blocks of width %d", s+1, cfg.Layers[s], cfg.Widths[s])
		}
		if cfg.Block == "bottleneck" && cfg.BottleneckWidths[s] < 1 {
			return fmt.Errorf("config: stage %d bottleneck width %d", s+1, cfg.BottleneckWidths[s])
		}
	}
	if cfg.HeadGroupNorm && cfg.FPNWidth%32 != 0 {
		return fmt.Errorf("config: GroupNorm(32) heads need an FPN width divisible by 32, not %d", cfg.FPNWidth)
	}
	if len(cfg.Labels) != 0 && len(cfg.Labels) != cfg.NumClasses {
		return fmt.Errorf("config: %d labels for %d classes", len(cfg.Labels), cfg.NumClasses)
	}
	if len(cfg.AnchorSizes) != 5 || len(cfg.AspectRatios) == 0 {
		return fmt.Errorf("config: anchors need 5 levels of sizes and at least one aspect ratio")
	}
	for l, sizes := range cfg.AnchorSizes {
		if len(sizes) != len(cfg.AnchorSizes[0]) || len(sizes) == 0 {
			return fmt.Errorf("config: anchor level P%d has %d sizes, level P3 has %d", l+3, len(sizes), len(cfg.AnchorSizes[0]))
		}
		for _, s := range sizes {
			if s < 1 {
				return fmt.Errorf("config: anchor size %d at level P%d", s, l+3)
			}
		}
	}
	for _, r := range cfg.AspectRatios {
		if !(r > 0) {
			return fmt.Errorf("config: aspect ratio %v", r)
		}
	}
	if cfg.MinSize < 1 || cfg.MaxSize < 1 {
		return fmt.Errorf("config: min size %d and max size %d must be positive", cfg.MinSize, cfg.MaxSize)
	}
	for c, s := range cfg.ImageStd {
		if !(s > 0) {
			return fmt.Errorf("config: image std[%d] = %v", c, s)
		}
	}
	return nil
}

// checkShapes compares the tensors present (name -> shape) with the ones the
// config expects: every expected tensor present with its exact shape, and
// nothing else.
func checkShapes(cfg net.Config, have map[string][]int) error {
	want := ExpectedShapes(cfg)
	var missing, extra, wrong []string
	for name, ws := range want {
		hs, ok := have[name]
		switch {
		case !ok:
			missing = append(missing, name)
		case !equalInts(hs, ws):
			wrong = append(wrong, fmt.Sprintf("%q has shape %v, the inferred architecture needs %v", name, hs, ws))
		}
	}
	for name := range have {
		if _, ok := want[name]; !ok {
			extra = append(extra, name)
		}
	}
	for _, l := range [][]string{missing, extra, wrong} {
		sort.Strings(l)
	}
	more := func(l []string) string {
		if len(l) > 1 {
			return fmt.Sprintf(" (and %d more)", len(l)-1)
		}
		return ""
	}
	switch {
	case len(wrong) > 0:
		return fmt.Errorf("tensor %s%s", wrong[0], more(wrong))
	case len(missing) > 0:
		return fmt.Errorf("missing tensor %q%s", missing[0], more(missing))
	case len(extra) > 0:
		return fmt.Errorf("unexpected tensor %q%s: not part of a torchvision RetinaNet with the inferred architecture", extra[0], more(extra))
	}
	return nil
}

// checkTensors verifies a model's tensors against its config: all float32,
// shapes as ExpectedShapes says, nothing missing or extra.
func checkTensors(cfg net.Config, tensors []safetensors.Tensor) error {
	have := map[string][]int{}
	for i := range tensors {
		t := &tensors[i]
		if t.DType != "F32" {
			return fmt.Errorf("tensor %q is %s, want F32", t.Name, t.DType)
		}
		if _, dup := have[t.Name]; dup {
			return fmt.Errorf("tensor %q appears twice", t.Name)
		}
		have[t.Name] = t.Shape
	}
	return checkShapes(cfg, have)
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
