package train

import (
	"math"

	"github.com/retina-edge/retina/net"
)

// groupNorm is GroupNorm(groups, C) with its affine parameters, followed by
// a ReLU (the v2 head tower's Conv2dNormActivation). Statistics are biased,
// per image and group, accumulated in float64.
type groupNorm struct {
	groups      int
	gamma, beta *Param
}

// gnStats are one GroupNorm application's statistics, per image and group,
// kept from forward for backward (the heads apply one GroupNorm per level).
type gnStats struct{ mean, rstd []float64 }

func newGNStats(images, groups int) gnStats {
	return gnStats{mean: make([]float64, images*groups), rstd: make([]float64, images*groups)}
}

// forward writes y = relu(gamma*(z-mean)*rstd + beta) per channel.
func (g *groupNorm) forward(w *worker, z, y *act, st *gnStats) {
	per := z.c / g.groups
	hw := z.h * z.w
	for b := w.b0; b < w.b1; b++ {
		for gr := range g.groups {
			in := z.img(b)[gr*per*hw : (gr+1)*per*hw]
			var sum float64
			for _, v := range in {
				sum += float64(v)
			}
			mean := sum / float64(len(in))
			var sq float64
			for _, v := range in {
				d := float64(v) - mean
				sq += d * d
			}
			rstd := 1 / math.Sqrt(sq/float64(len(in))+net.GroupNormEps)
			st.mean[b*g.groups+gr], st.rstd[b*g.groups+gr] = mean, rstd
			out := y.img(b)[gr*per*hw : (gr+1)*per*hw]
			for c := range per {
				ch := gr*per + c
				s := float64(g.gamma.Data[ch]) * rstd
				scale, shift := float32(s), float32(float64(g.beta.Data[ch])-mean*s)
				src, dst := in[c*hw:(c+1)*hw], out[c*hw:(c+1)*hw]
				for i, v := range src {
					dst[i] = max(v*scale+shift, 0)
				}
			}
		}
	}
}

// backward masks y.g by the ReLU in place, adds the affine parameters'
// gradients and adds the input gradient into z.g:
// dz = rstd*(dxhat - mean(dxhat) - xhat*mean(dxhat*xhat)) over the group,
// with dxhat = gamma*dy.
func (g *groupNorm) backward(w *worker, z, y *act, st *gnStats) {
	per := z.c / g.groups
	hw := z.h * z.w
	dgamma, dbeta := w.grad(g.gamma), w.grad(g.beta)
	for b := w.b0; b < w.b1; b++ {
		reluBackward(y.grad(b), y.img(b))
		for gr := range g.groups {
			mean, rstd := st.mean[b*g.groups+gr], st.rstd[b*g.groups+gr]
			var sumD, sumDX float64 // sums of dxhat and dxhat*xhat over the group
			for c := range per {
				ch := gr*per + c
				off := (gr*per + c) * hw
				zin, dy := z.img(b)[off:off+hw], y.grad(b)[off:off+hw]
				var dg, db float64
				for i, d := range dy {
					xh := (float64(zin[i]) - mean) * rstd
					dg += float64(d) * xh
					db += float64(d)
				}
				dgamma[ch] += float32(dg)
				dbeta[ch] += float32(db)
				gm := float64(g.gamma.Data[ch])
				sumD += gm * db
				sumDX += gm * dg
			}
			n := float64(per * hw)
			mD, mDX := sumD/n, sumDX/n
			for c := range per {
				ch := gr*per + c
				off := ch * hw
				zin, dy, dz := z.img(b)[off:off+hw], y.grad(b)[off:off+hw], z.grad(b)[off:off+hw]
				gm := float64(g.gamma.Data[ch])
				for i, d := range dy {
					xh := (float64(zin[i]) - mean) * rstd
					dz[i] += float32(rstd * (gm*float64(d) - mD - xh*mDX))
				}
			}
		}
	}
}
