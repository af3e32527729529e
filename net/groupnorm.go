package net

import "math"

// groupNormEps is torch.nn.GroupNorm's default epsilon.
const groupNormEps = 1e-5

// groupNorm is GroupNorm(groups, C) with its affine weight and bias.
type groupNorm struct {
	groups      int
	gamma, beta []float32
}

// applyReLU normalises t in place per image and group (biased variance over
// the group's channels and pixels, statistics in float64), applies the
// per-channel affine and then a ReLU.
func (g *groupNorm) applyReLU(t Tensor) {
	c, hw := t.C(), t.H()*t.W()
	per := c / g.groups
	for b := range t.N() {
		img := t.Image(b)
		for gr := range g.groups {
			vals := img[gr*per*hw : (gr+1)*per*hw]
			var sum, sq float64
			for _, v := range vals {
				sum += float64(v)
			}
			mean := sum / float64(len(vals))
			for _, v := range vals {
				d := float64(v) - mean
				sq += d * d
			}
			inv := 1 / math.Sqrt(sq/float64(len(vals))+groupNormEps)
			for i := range per {
				ch := gr*per + i
				s := float64(g.gamma[ch]) * inv
				scale, shift := float32(s), float32(float64(g.beta[ch])-mean*s)
				plane := vals[i*hw : (i+1)*hw]
				for j, v := range plane {
					v = v*scale + shift
					if v < 0 {
						v = 0
					}
					plane[j] = v
				}
			}
		}
	}
}
