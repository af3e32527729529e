package quant

import "github.com/retina-edge/retina/kernels"

// qmap is one int8 CHW feature map.
type qmap struct {
	c, h, w int
	data    []int8
}

// apply runs c on x, whatever x's size (c.Shape's H and W are set per call).
func (c *Conv) apply(e *kernels.Engine, x qmap) qmap {
	s := c.Shape
	s.C, s.H, s.W = x.c, x.h, x.w
	out := qmap{c: c.OutC, h: s.OutH(), w: s.OutW()}
	out.data = make([]int8, out.c*out.h*out.w)
	var col []int8
	if !s.IsPointwise() {
		col = make([]int8, s.ColRows()*s.ColCols())
	}
	e.ConvI8(s, 1, c.packed, x.data, int8(c.In.Zero), out.data, col, &c.rq)
	return out
}

// applyAcc runs a head's output conv and dequantizes its accumulators.
func (c *Conv) applyAcc(e *kernels.Engine, x qmap) fmap {
	s := c.Shape
	s.C, s.H, s.W = x.c, x.h, x.w
	n := s.OutH() * s.OutW()
	acc := make([]int32, c.OutC*n)
	b := x.data
	if !s.IsPointwise() {
		b = make([]int8, s.ColRows()*s.ColCols())
		kernels.Im2colInt8(s, x.data, int8(c.In.Zero), b)
	}
	e.GemmI8Acc(c.packed, n, b, n, acc, n, c.Bias)
	out := fmap{c: c.OutC, h: s.OutH(), w: s.OutW(), data: make([]float32, len(acc))}
	for i, v := range acc {
		out.data[i] = float32(v) * c.AccScale(i/n)
	}
	return out
}

// forward runs one normalised float image through the int8 network and
// returns the dequantized class logits and box deltas per level.
func (m *Model) forward(x fmap) (cls, box []fmap) {
	e := m.engine
	q := qmap{c: x.c, h: x.h, w: x.w, data: make([]int8, len(x.data))}
	for i, v := range x.data {
		q.data[i] = m.input.Quantize(v)
	}
	y := m.stem.apply(e, q)
	pooled := qmap{c: y.c, h: PoolSize(y.h), w: PoolSize(y.w)}
	pooled.data = make([]int8, pooled.c*pooled.h*pooled.w)
	MaxPool3x3s2(y.data, y.c, y.h, y.w, pooled.data)
	y = pooled
	var stages [4]qmap
	for s, blocks := range m.stages {
		for _, blk := range blocks {
			in, t := y, y
			for _, c := range blk.convs {
				t = c.apply(e, t)
			}
			if blk.down != nil {
				in = blk.down.apply(e, in)
			}
			blk.add.Apply(t.data, t.data, in.data)
			y = t
		}
		stages[s] = y
	}
	var lateral [3]qmap
	lateral[2] = m.inner[2].apply(e, stages[3])
	for i := 1; i >= 0; i-- {
		l := m.inner[i].apply(e, stages[i+1])
		up := make([]int8, len(l.data))
		UpsampleNearest(lateral[i+1].data, l.c, lateral[i+1].h, lateral[i+1].w, up, l.h, l.w)
		m.topDown[i].Apply(l.data, l.data, up)
		lateral[i] = l
	}
	var pyr [5]qmap
	for i := range 3 {
		pyr[i] = m.layer[i].apply(e, lateral[i])
	}
	p6in := pyr[2]
	if m.p6FromC5 {
		p6in = stages[3]
	}
	pyr[3] = m.p6.apply(e, p6in)
	relu6 := qmap{c: pyr[3].c, h: pyr[3].h, w: pyr[3].w, data: make([]int8, len(pyr[3].data))}
	zp := int8(m.p6.Out.Zero) // ReLU on int8: nothing below the real zero
	for i, v := range pyr[3].data {
		relu6.data[i] = max(v, zp)
	}
	pyr[4] = m.p7.apply(e, relu6)
	for _, p := range pyr {
		cls = append(cls, head(e, m.clsTower, m.clsOut, p))
		box = append(box, head(e, m.boxTow, m.boxOut, p))
	}
	return cls, box
}

func head(e *kernels.Engine, tower []*Conv, out *Conv, x qmap) fmap {
	for _, c := range tower {
		x = c.apply(e, x)
	}
	return out.applyAcc(e, x)
}
