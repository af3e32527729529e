package net

import "math"

// groupNormEps is torch.nn.GroupNorm's default epsilon.
const groupNormEps = 1e-5

// groupNorm is GroupNorm(groups, C) with its affine weight and bias.
type groupNorm struct {
	groups      int
	gamma, beta []float32
}

// applyReLURange normalises groups [g0, g1) of one image's planes in place
// (biased variance over the group's channels and pixels, statistics in
// float64), applies the per-channel affine and then a ReLU. Threads share
// a layer by group ranges.
func (g *groupNorm) applyReLURange(x planes, g0, g1 int) {
	per := x.c / g.groups
	hw := x.h * x.w
	count := float64(per * hw)
	for gr := g0; gr < g1; gr++ {
		var sum, sq float64
		for c := gr * per; c < (gr+1)*per; c++ {
			for _, v := range x.plane(c) {
				sum += float64(v)
			}
		}
		mean := sum / count
		for c := gr * per; c < (gr+1)*per; c++ {
			for _, v := range x.plane(c) {
				d := float64(v) - mean
				sq += d * d
			}
		}
		inv := 1 / math.Sqrt(sq/count+groupNormEps)
		for c := gr * per; c < (gr+1)*per; c++ {
			s := float64(g.gamma[c]) * inv
			scale, shift := float32(s), float32(float64(g.beta[c])-mean*s)
			plane := x.plane(c)
			for j, v := range plane {
				plane[j] = max(v*scale+shift, 0)
			}
		}
	}
}

// groupNormJob is a head tower's GroupNorm and ReLU on every level of one
// buffer, split over threads by group.
type groupNormJob struct {
	gn  *groupNorm
	p   *plan
	buf []float32
	c   int
}

func (j *groupNormJob) RunRange(_, lo, hi int) {
	for l := range numLevels {
		j.gn.applyReLURange(j.p.levelPlanes(j.buf, l, j.c), lo, hi)
	}
}
