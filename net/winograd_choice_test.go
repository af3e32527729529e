package net

import "testing"

// The table picks by the place the architecture declares (ArchConv.Scale)
// and the width; every head conv and only 3x3 stride-1 pad-1 convs run as
// Winograd.
func TestWinogradTileFor(t *testing.T) {
	conv3 := func(scale, in int) ArchConv {
		return ArchConv{InC: in, OutC: in, K: 3, Stride: 1, Pad: 1, Scale: scale}
	}
	for _, c := range []struct {
		s    ArchConv
		want int
	}{
		{conv3(4, 16), 4},
		{conv3(4, 64), 2},
		{conv3(8, 128), 4},
		{conv3(8, 256), 4},
		{conv3(16, 256), 2},
		{conv3(32, 512), 0},
		{conv3(0, 256), headTile},
		{conv3(64, 256), 0},
		{ArchConv{InC: 64, OutC: 128, K: 3, Stride: 2, Pad: 1, Scale: 8}, 0},
		{ArchConv{InC: 64, OutC: 64, K: 1, Stride: 1}, 0},
	} {
		if got := winogradTileFor(c.s); got != c.want {
			t.Errorf("scale %d with %d input channels: tile %d, want %d", c.s.Scale, c.s.InC, got, c.want)
		}
	}
}

// The architecture declares each conv's scale: the stem 2, ResNet's stages
// 4..32, P3..P7 8..128 (P6 and P7 from their stride-2 convs), the heads 0.
func TestArchScales(t *testing.T) {
	for _, name := range []string{"resnet18", "resnet50"} {
		cfg, ok := ResNetConfig(name, 3)
		if !ok {
			t.Fatalf("no config for %s", name)
		}
		a, err := cfg.Arch()
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{
			"backbone.body.conv1": 2, "backbone.body.layer1.0.conv1": 4, "backbone.body.layer2.0.conv2": 8,
			"backbone.body.layer3.1.conv1": 16, "backbone.body.layer4.0.downsample.0": 32,
			"backbone.fpn.inner_blocks.0.0": 8, "backbone.fpn.layer_blocks.2.0": 32,
			"backbone.fpn.extra_blocks.p6": 64, "backbone.fpn.extra_blocks.p7": 128,
			"head.classification_head.conv.0.0": 0, "head.regression_head.bbox_reg": 0,
		}
		if name == "resnet50" {
			want["backbone.body.layer2.0.conv1"] = 4 // a bottleneck's 1x1 runs before its stride
			want["backbone.body.layer2.1.conv1"] = 8
		}
		for _, c := range a.Convs() {
			if w, ok := want[c.Name]; ok {
				if c.Scale != w {
					t.Errorf("%s %s: scale %d, want %d", name, c.Name, c.Scale, w)
				}
				delete(want, c.Name)
			}
		}
		if len(want) > 0 {
			t.Errorf("%s: convs not found: %v", name, want)
		}
	}
}
