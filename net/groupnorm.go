package net

import "math"

// groupNorm is GroupNorm(groups, C) with its affine weight and bias.
type groupNorm struct {
	groups      int
	gamma, beta []float32
}

// applyReLURange normalises groups [g0, g1) of one image's planes in place
// and applies the affine and a ReLU (GroupNormReLU). Threads share a layer
// by group ranges.
func (g *groupNorm) applyReLURange(x planes, g0, g1 int) {
	GroupNormReLU(x.plane, x.c, g.groups, g.gamma, g.beta, g0, g1)
}

// GroupNormReLU normalises groups [g0, g1) of GroupNorm(groups, c) in
// place: plane(ch) is channel ch's values. Statistics are in float64 with
// the biased variance over the group's channels and pixels (two passes:
// mean, then squared deviations); each channel's affine is folded into one
// scale and shift, then the ReLU. The sums run in four interleaved
// accumulators, so an addition need not wait for the one before.
func GroupNormReLU(plane func(ch int) []float32, c, groups int, gamma, beta []float32, g0, g1 int) {
	per := c / groups
	for gr := g0; gr < g1; gr++ {
		var sum, n float64
		for ch := gr * per; ch < (gr+1)*per; ch++ {
			p := plane(ch)
			sum += sum4(p)
			n += float64(len(p))
		}
		mean := sum / n
		var sq float64
		for ch := gr * per; ch < (gr+1)*per; ch++ {
			sq += sqDev4(plane(ch), mean)
		}
		inv := 1 / math.Sqrt(sq/n+GroupNormEps)
		for ch := gr * per; ch < (gr+1)*per; ch++ {
			s := float64(gamma[ch]) * inv
			scale, shift := float32(s), float32(float64(beta[ch])-mean*s)
			p := plane(ch)
			for j, v := range p {
				p[j] = max(v*scale+shift, 0)
			}
		}
	}
}

// sum4 returns the sum of x in float64.
func sum4(x []float32) float64 {
	var a0, a1, a2, a3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		a0, a1, a2, a3 = a0+float64(x[i]), a1+float64(x[i+1]), a2+float64(x[i+2]), a3+float64(x[i+3])
	}
	for ; i < len(x); i++ {
		a0 += float64(x[i])
	}
	return (a0 + a1) + (a2 + a3)
}

// sqDev4 returns the sum of (x - mean)^2 in float64.
func sqDev4(x []float32, mean float64) float64 {
	var a0, a1, a2, a3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		d0, d1, d2, d3 := float64(x[i])-mean, float64(x[i+1])-mean, float64(x[i+2])-mean, float64(x[i+3])-mean
		a0, a1, a2, a3 = a0+d0*d0, a1+d1*d1, a2+d2*d2, a3+d3*d3
	}
	for ; i < len(x); i++ {
		d := float64(x[i]) - mean
		a0 += d * d
	}
	return (a0 + a1) + (a2 + a3)
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
	for l := range NumLevels {
		j.gn.applyReLURange(j.p.levelPlanes(j.buf, l, j.c), lo, hi)
	}
}
