package quant

import "github.com/retina-edge/retina/net"

// groupNormReLU is the v2 heads' GroupNorm(32, C) then ReLU, in place, on
// c planes of hw values: plane ch is x[ch*stride+off : ch*stride+off+hw]
// (stride hw for a plain CHW map; the int8 heads keep all levels side by
// side, one level at offset off). Statistics in float64 with the biased
// variance, the affine folded per channel, as package net computes them.
func groupNormReLU(x []float32, stride, off, hw, c int, gamma, beta []float32) {
	groupNormReLURange(x, stride, off, hw, c, gamma, beta, 0, net.GroupNormGroups)
}

// groupNormReLURange is groupNormReLU on groups [g0, g1) only.
func groupNormReLURange(x []float32, stride, off, hw, c int, gamma, beta []float32, g0, g1 int) {
	plane := func(ch int) []float32 { return x[ch*stride+off : ch*stride+off+hw] }
	net.GroupNormReLU(plane, c, net.GroupNormGroups, gamma, beta, g0, g1)
}
