package quant

import (
	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// refNet is a plain float forward over the folded weights (one image, no
// buffer reuse: it serves calibration, not speed). Every tensor that gets
// int8 parameters is reported to observe under the key the int8 model uses.
type refNet struct {
	arch     *net.Arch
	p6FromC5 bool
	layers   map[string]*floatLayer
	e        *kernels.Engine
}

func newRefNet(cfg *net.Config, a *net.Arch, weights map[string]net.Param, e *kernels.Engine) (*refNet, error) {
	r := &refNet{arch: a, p6FromC5: a.P6Input == net.FeatureC5, layers: map[string]*floatLayer{}, e: e}
	for _, s := range a.Convs() {
		l, err := foldLayer(s, weights)
		if err != nil {
			return nil, err
		}
		k := s.InC * s.K * s.K
		l.packed = kernels.PackA(e.Impl(), false, s.OutC, k, l.w, k)
		r.layers[s.Name] = l
	}
	return r, nil
}

// fmap is one float CHW feature map.
type fmap struct {
	c, h, w int
	data    []float32
}

type observeFunc func(key string, x []float32)

// conv runs layer s on x; the ReLU is fused unless relu is false. A layer
// with a GroupNorm gets it (and its ReLU) after the conv.
func (r *refNet) conv(s net.ArchConv, x fmap, relu bool) fmap {
	l := r.layers[s.Name]
	sh := l.shape
	sh.H, sh.W = x.h, x.w
	out := fmap{c: s.OutC, h: sh.OutH(), w: sh.OutW()}
	out.data = make([]float32, out.c*out.h*out.w)
	var col []float32
	if !sh.IsPointwise() {
		col = make([]float32, sh.ColRows()*sh.ColCols())
	}
	r.e.Conv(sh, 1, l.packed, x.data, out.data, col, kernels.Epilogue{Bias: l.b, ReLU: relu && l.gamma == nil})
	if l.gamma != nil {
		hw := out.h * out.w
		groupNormReLU(out.data, hw, 0, hw, out.c, l.gamma, l.beta)
	}
	return out
}

// forward runs one normalised 3 x h x w image and returns, per level, the
// class logits and box deltas (A*K x h x w and A*4 x h x w).
func (r *refNet) forward(x fmap, observe observeFunc) (cls, box []fmap) {
	a := r.arch
	observe(net.InputActivation, x.data)
	y := r.conv(a.Stem, x, true)
	observe(a.Stem.Name, y.data)
	pooled := fmap{c: y.c, h: kernels.PoolSize(y.h), w: kernels.PoolSize(y.w)}
	pooled.data = make([]float32, pooled.c*pooled.h*pooled.w)
	maxPoolFloat(y, pooled)
	y = pooled
	var stages [4]fmap
	for s, blocks := range a.Stages {
		for _, blk := range blocks {
			in, t := y, y
			for _, c := range blk.Convs {
				t = r.conv(c, t, c.ReLU)
				observe(c.Name, t.data)
			}
			if blk.Down != nil {
				in = r.conv(*blk.Down, in, false)
				observe(blk.Down.Name, in.data)
			}
			for i := range t.data {
				t.data[i] = max(t.data[i]+in.data[i], 0)
			}
			observe(blk.Output(), t.data)
			y = t
		}
		stages[s] = y
	}
	var lateral [3]fmap
	lateral[2] = r.conv(a.Inner[2], stages[3], false)
	observe(a.Inner[2].Name, lateral[2].data)
	for i := 1; i >= 0; i-- {
		l := r.conv(a.Inner[i], stages[i+1], false)
		observe(a.Inner[i].Name, l.data)
		up := upsampleFloat(lateral[i+1], l.h, l.w)
		for j := range l.data {
			l.data[j] += up[j]
		}
		observe(a.LateralSum(i), l.data)
		lateral[i] = l
	}
	var pyr [5]fmap
	for i := range 3 {
		pyr[i] = r.conv(a.Layer[i], lateral[i], false)
	}
	p6in := pyr[2]
	if r.p6FromC5 {
		p6in = stages[3]
	}
	pyr[3] = r.conv(a.P6, p6in, false)
	relu6 := fmap{c: pyr[3].c, h: pyr[3].h, w: pyr[3].w, data: make([]float32, len(pyr[3].data))}
	for i, v := range pyr[3].data {
		relu6.data[i] = max(v, 0)
	}
	pyr[4] = r.conv(a.P7, relu6, false)
	for l, p := range pyr {
		observe(net.PyramidActivation(l), p.data)
	}
	for l, p := range pyr {
		cls = append(cls, r.head(a.ClsTower, a.ClsOut, p, l, observe))
		box = append(box, r.head(a.BoxTower, a.BoxOut, p, l, observe))
	}
	return cls, box
}

// head runs one head on pyramid level l, observing its tower per level.
func (r *refNet) head(tower []net.ArchConv, out net.ArchConv, x fmap, l int, observe observeFunc) fmap {
	for _, s := range tower {
		x = r.conv(s, x, true)
		observe(net.LevelActivation(s.Name, l), x.data)
	}
	return r.conv(out, x, false)
}

func maxPoolFloat(src, dst fmap) {
	for p := 0; p < src.c; p++ {
		in := src.data[p*src.h*src.w:]
		for oy := 0; oy < dst.h; oy++ {
			for ox := 0; ox < dst.w; ox++ {
				m := float32(-1e38)
				for y := max(0, 2*oy-1); y < min(src.h, 2*oy+2); y++ {
					for x := max(0, 2*ox-1); x < min(src.w, 2*ox+2); x++ {
						m = max(m, in[y*src.w+x])
					}
				}
				dst.data[(p*dst.h+oy)*dst.w+ox] = m
			}
		}
	}
}

func upsampleFloat(src fmap, oh, ow int) []float32 {
	out := make([]float32, src.c*oh*ow)
	for p := 0; p < src.c; p++ {
		for y := 0; y < oh; y++ {
			sy := net.NearestIndex(y, src.h, oh)
			for x := 0; x < ow; x++ {
				out[(p*oh+y)*ow+x] = src.data[(p*src.h+sy)*src.w+net.NearestIndex(x, src.w, ow)]
			}
		}
	}
	return out
}
