package quant

import "github.com/retina-edge/retina/net"

// winogradChoice is a row of the int8 algorithm table: the 3x3 stride-1
// convs of the backbone and the FPN whose map is 1/scale of the input's
// side (net.ArchConv.Scale) with minInC..maxInC input channels run as the
// exact int8 Winograd F(4x4, 3x3) conv (kernels.Wino8) where the tier
// has one; the others run as im2col + GEMM. Both give the same sums, so
// the table changes speed only.
type winogradChoice struct{ scale, minInC, maxInC int }

// winogradChoices is chosen from BenchmarkWino8Single (kernels, one
// conv, its weights hot in cache) and then in the network itself, where
// each conv's weights come from memory once (BenchmarkWinogradPlaces:
// one place at a time, backbone + FPN, one thread, min of 80 runs): at
// 320 ResNet-18's layer1 (64 channels at 80), layer2 and P3 (128 and 256
// at 40) gain 0.5-0.8 ms each; since the int8 weights are transformed per
// block at run time and the transforms' 36 streams no longer share cache
// sets, layer3 (256 at 20) gains too, 0.4-0.6 ms in two runs, while P4,
// which shares its row (same scale and channels), runs within 0.2 ms
// either way; layer4 and P5 (256..512 at 10, 9 tiles of 4x4 for 100
// pixels) lose 0.2-1.8 ms. The default model at 448 gains nothing in the
// network (its 64-channel convs at 56, 28 and 14 run within 1% either
// way; 16 at 112 and 32 at 56 lose in isolation), so none of its convs is
// a row here.
var winogradChoices = []winogradChoice{
	{scale: 4, minInC: 64, maxInC: 64},    // layer1
	{scale: 8, minInC: 128, maxInC: 256},  // layer2, P3
	{scale: 16, minInC: 256, maxInC: 256}, // layer3, P4
}

// winogradAt reports whether the backbone or FPN conv s runs as a
// Winograd conv (the heads' convs, Scale 0, always do).
func winogradAt(s net.ArchConv) bool {
	if s.K != 3 || s.Stride != 1 || s.Pad != 1 {
		return false
	}
	for _, c := range winogradChoices {
		if c.scale == s.Scale && s.InC >= c.minInC && s.InC <= c.maxInC {
			return true
		}
	}
	return false
}
