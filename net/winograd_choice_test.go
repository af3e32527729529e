package net

import "testing"

// The table picks by place and width: convScale reads the place from the
// torchvision names, and every head conv and only 3x3 stride-1 pad-1
// convs run as Winograd.
func TestWinogradTileFor(t *testing.T) {
	for name, want := range map[string]int{
		"backbone.body.layer1.0.conv2": 4, "backbone.body.layer4.1.conv1": 32,
		"backbone.fpn.layer_blocks.0.0": 8, "backbone.fpn.layer_blocks.2.0": 32,
		"backbone.body.conv1": 0, "backbone.body.layer9.0.conv1": 0, "backbone.fpn.layer_blocks.3.0": 0,
		"backbone.body.layer": 0, "head.classification_head.conv.0.0": 0,
	} {
		if got := convScale(name); got != want {
			t.Errorf("convScale(%q) = %d, want %d", name, got, want)
		}
	}
	conv3 := func(name string, in int) ArchConv {
		return ArchConv{Name: name, InC: in, OutC: in, K: 3, Stride: 1, Pad: 1}
	}
	for _, c := range []struct {
		s    ArchConv
		want int
	}{
		{conv3("backbone.body.layer1.0.conv1", 16), 4},
		{conv3("backbone.body.layer1.0.conv1", 64), 2},
		{conv3("backbone.body.layer2.1.conv1", 128), 4},
		{conv3("backbone.fpn.layer_blocks.0.0", 256), 4},
		{conv3("backbone.body.layer3.1.conv2", 256), 2},
		{conv3("backbone.body.layer4.1.conv2", 512), 0},
		{conv3("head.classification_head.cls_logits", 256), headTile},
		{conv3("custom.conv", 64), 0},
		{ArchConv{Name: "backbone.body.layer2.0.conv1", InC: 64, OutC: 128, K: 3, Stride: 2, Pad: 1}, 0},
		{ArchConv{Name: "head.x", InC: 64, OutC: 64, K: 1, Stride: 1}, 0},
	} {
		if got := winogradTileFor(c.s); got != c.want {
			t.Errorf("%s with %d input channels: tile %d, want %d", c.s.Name, c.s.InC, got, c.want)
		}
	}
}
