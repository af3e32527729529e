package net

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net/safetensors"
)

// torchvision 0.14's state_dicts, num_batches_tracked left out: tensor
// count and element count of retinanet_resnet50_fpn(_v2)(num_classes=91).
func TestParamsMatchTorchvisionResNet50(t *testing.T) {
	v1, _ := ResNetConfig("resnet50", 91)
	v2 := v1
	v2.P6FromC5, v2.HeadGroupNorm = true, true
	for _, tc := range []struct {
		name          string
		cfg           Config
		count, values int
		last          string
	}{
		{"v1", v1, 301, 34121239, "head.regression_head.conv.3.0.bias"},
		{"v2", v2, 309, 38252055, "head.regression_head.conv.3.1.bias"},
	} {
		specs, err := tc.cfg.Params()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range specs {
			n += shapeSize(s.Shape)
		}
		if len(specs) != tc.count || n != tc.values {
			t.Errorf("%s: %d tensors, %d values; torchvision has %d, %d", tc.name, len(specs), n, tc.count, tc.values)
		}
		if got := specs[len(specs)-3].Name; got != tc.last {
			t.Errorf("%s: third-last tensor %s, want %s", tc.name, got, tc.last)
		}
	}
}

// Params lists tensors in torchvision's state_dict order (the fixtures
// record it).
func TestParamsOrderMatchesStateDict(t *testing.T) {
	for _, name := range goldenModels {
		dir := filepath.Join("..", "testdata", "golden")
		cfg, _, err := ReadModelFile(filepath.Join(dir, name+".safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		io, err := safetensors.ReadFile(filepath.Join(dir, name+".io.safetensors"))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Fields(io.Metadata["state_dict_order"])
		specs, _ := cfg.Params()
		var got []string
		for _, s := range specs {
			got = append(got, s.Name)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: order differs:\n got %s\nwant %s", name, strings.Join(got, " "), strings.Join(want, " "))
		}
	}
}

func TestConfigValidate(t *testing.T) {
	good, _ := ResNetConfig("resnet18", 3)
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Block = "wide" }, "block"},
		{func(c *Config) { c.Layers[2] = 0 }, "layers[2]"},
		{func(c *Config) { c.Widths[1] = -1 }, "widths[1]"},
		{func(c *Config) { c.Block = "bottleneck" }, "bottleneck_widths[0]"},
		{func(c *Config) { c.StemWidth = 0 }, "stem_width"},
		{func(c *Config) { c.FPNWidth = 0 }, "fpn_width"},
		{func(c *Config) { c.FPNWidth = 48; c.HeadGroupNorm = true }, "divisible by 32"},
		{func(c *Config) { c.FPNWidth = 512; c.P6FromC5 = true }, "would use P5"},
		{func(c *Config) { c.NumClasses = 0 }, "num_classes"},
		{func(c *Config) { c.Labels = []string{"a"} }, "labels"},
		{func(c *Config) { c.AnchorSizes = c.AnchorSizes[:4] }, "4 levels"},
		{func(c *Config) { c.AnchorSizes = [][]int{{1}, {1, 2}, {1}, {1}, {1}} }, "anchor_sizes[1]"},
		{func(c *Config) { c.AspectRatios = nil }, "aspect_ratios"},
		{func(c *Config) { c.HeadConvs = -1 }, "head_convs"},
	} {
		c := good
		c.Layers, c.Widths = good.Layers, good.Widths
		c.AnchorSizes = slices.Clone(good.AnchorSizes)
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want an error mentioning %q, got %v", tc.want, err)
		}
		if _, err := c.Params(); err == nil {
			t.Errorf("Params accepted an invalid config (%s)", tc.want)
		}
	}
}
