package quant

import (
	"math"

	"github.com/retina-edge/retina/net"
)

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
	per := c / net.GroupNormGroups
	count := float64(per * hw)
	plane := func(ch int) []float32 { return x[ch*stride+off : ch*stride+off+hw] }
	for g := g0; g < g1; g++ {
		var sum, sq float64
		for ch := g * per; ch < (g+1)*per; ch++ {
			for _, v := range plane(ch) {
				sum += float64(v)
			}
		}
		mean := sum / count
		for ch := g * per; ch < (g+1)*per; ch++ {
			for _, v := range plane(ch) {
				d := float64(v) - mean
				sq += d * d
			}
		}
		inv := 1 / math.Sqrt(sq/count+net.GroupNormEps)
		for ch := g * per; ch < (g+1)*per; ch++ {
			s := float64(gamma[ch]) * inv
			scale, shift := float32(s), float32(float64(beta[ch])-mean*s)
			p := plane(ch)
			for j, v := range p {
				p[j] = max(v*scale+shift, 0)
			}
		}
	}
}
