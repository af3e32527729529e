package net

// winogradChoice is a row of the algorithm table: the 3x3 stride-1 convs
// whose map is 1/scale of the input's side (ArchConv.Scale: a ResNet
// stage or an FPN level) with at most maxInC input channels run as F(tile x tile, 3x3),
// or as im2col + GEMM for tile 0.
type winogradChoice struct{ scale, maxInC, tile int }

// winogradChoices is the table for the backbone's and the FPN's convs;
// the first row that fits a conv wins. The weights are transformed once,
// before any input size is known, so a row covers a conv's place in the
// network, not one input size. Chosen from BenchmarkConvAlgorithms
// (net/winograd_bench_test.go) on ResNet-18-FPN at 320 and 512 and the
// default model at 448 (README, "Winograd F(4x4, 3x3)").
var winogradChoices = []winogradChoice{
	{scale: 4, maxInC: 32, tile: 4},   // ResNet layer1: 16 channels at 112x112
	{scale: 4, maxInC: 64, tile: 2},   //   64 at 80..128
	{scale: 8, maxInC: 256, tile: 4},  // layer2 and P3: 32..256 channels at 40..64
	{scale: 16, maxInC: 64, tile: 4},  // layer3 and P4: 64 at 28
	{scale: 16, maxInC: 256, tile: 2}, //   256 at 20..32
	{scale: 32, maxInC: 256, tile: 2}, // layer4 and P5 at 10..16 up to 256 channels
}

// headTile is the heads' tile: every head conv uses it (they run over all
// levels' tiles at once and share transformed inputs).
const headTile = 4

// winogradTileFor is the algorithm of the conv s: the output tile side
// of the Winograd conv that computes it (2 for F(2x2, 3x3), 4 for F(4x4,
// 3x3)), or 0 for im2col + GEMM. A conv of no one scale (Scale 0: the
// heads', on every level) takes headTile.
func winogradTileFor(s ArchConv) int {
	if !winogradFits(s.K, s.Stride, s.Pad) {
		return 0
	}
	if s.Scale == 0 {
		return headTile
	}
	for _, c := range winogradChoices {
		if c.scale == s.Scale && s.InC <= c.maxInC {
			return c.tile
		}
	}
	return 0
}
