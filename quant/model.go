package quant

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// qblock is a quantized residual block.
type qblock struct {
	convs []*Conv
	down  *Conv
	add   *Add
}

// Model is the int8 RetinaNet: every conv int8 with a fused ReLU, adds in
// fixed point, the heads' last convs left as int32 accumulators.
type Model struct {
	cfg              net.Config
	input            QParams
	stem             *Conv
	stages           [4][]qblock
	inner, layer     [3]*Conv
	topDown          [2]*Add // lateral[i] = inner[i] + up(lateral[i+1]), i = 0, 1
	p6, p7           *Conv
	p6FromC5         bool
	clsTower, boxTow []*Conv
	clsOut, boxOut   *Conv
	engine           *kernels.Engine
}

// build quantizes the folded float layers with the chosen activation
// parameters (keyed as refNet.forward observes them).
func build(cfg net.Config, r *refNet, params map[string]QParams, e *kernels.Engine) (*Model, error) {
	a := r.arch
	get := func(key string) (QParams, error) {
		p, ok := params[key]
		if !ok {
			return QParams{}, fmt.Errorf("quant: no activation parameters for %s", key)
		}
		return p, nil
	}
	conv := func(s layerSpec, inKey, outKey string) (*Conv, error) {
		in, err := get(inKey)
		if err != nil {
			return nil, err
		}
		out, err := get(outKey)
		if err != nil {
			return nil, err
		}
		l := r.layers[s.name]
		c, err := QuantizeConv(l.shape, s.oc, l.w, l.b, in, out, s.relu)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		return c, nil
	}
	m := &Model{cfg: cfg, engine: e, p6FromC5: a.p6FromC5}
	var err error
	if m.input, err = get(keyInput); err != nil {
		return nil, err
	}
	if m.stem, err = conv(a.stem, keyInput, a.stem.name); err != nil {
		return nil, err
	}
	key := a.stem.name
	var stageKeys [4]string
	for s, blocks := range a.stages {
		for _, blk := range blocks {
			var qb qblock
			k := key
			for _, c := range blk.convs {
				qc, err := conv(c, k, c.name)
				if err != nil {
					return nil, err
				}
				qb.convs = append(qb.convs, qc)
				k = c.name
			}
			idKey := key
			if blk.down != nil {
				if qb.down, err = conv(*blk.down, key, blk.down.name); err != nil {
					return nil, err
				}
				idKey = blk.down.name
			}
			last := blk.convs[len(blk.convs)-1]
			p1, _ := get(last.name)
			p2, _ := get(idKey)
			po, err := get(blockKey(last))
			if err != nil {
				return nil, err
			}
			qb.add = NewAdd(p1, p2, po, true)
			m.stages[s] = append(m.stages[s], qb)
			key = blockKey(last)
		}
		stageKeys[s] = key
	}
	var latKey [3]string
	if m.inner[2], err = conv(a.inner[2], stageKeys[3], a.inner[2].name); err != nil {
		return nil, err
	}
	latKey[2] = a.inner[2].name
	for i := 1; i >= 0; i-- {
		if m.inner[i], err = conv(a.inner[i], stageKeys[i+1], a.inner[i].name); err != nil {
			return nil, err
		}
		p1, _ := get(a.inner[i].name)
		p2, _ := get(latKey[i+1])
		po, err := get(sumKey(a.inner[i]))
		if err != nil {
			return nil, err
		}
		m.topDown[i] = NewAdd(p1, p2, po, false)
		latKey[i] = sumKey(a.inner[i])
	}
	for i := range 3 {
		if m.layer[i], err = conv(a.layer[i], latKey[i], keyPyramid); err != nil {
			return nil, err
		}
	}
	p6in := keyPyramid
	if a.p6FromC5 {
		p6in = stageKeys[3]
	}
	if m.p6, err = conv(a.p6, p6in, keyPyramid); err != nil {
		return nil, err
	}
	if m.p7, err = conv(a.p7, keyPyramid, keyPyramid); err != nil {
		return nil, err
	}
	tower := func(specs []layerSpec, out layerSpec) ([]*Conv, *Conv, error) {
		var cs []*Conv
		k := keyPyramid
		for _, s := range specs {
			c, err := conv(s, k, s.name)
			if err != nil {
				return nil, nil, err
			}
			cs, k = append(cs, c), s.name
		}
		in, err := get(k)
		if err != nil {
			return nil, nil, err
		}
		l := r.layers[out.name]
		// The output conv's own output scale is unused (RunAcc): give it the input's.
		last, err := QuantizeConv(l.shape, out.oc, l.w, l.b, in, in, false)
		return cs, last, err
	}
	if m.clsTower, m.clsOut, err = tower(a.clsTower, a.clsOut); err != nil {
		return nil, err
	}
	if m.boxTow, m.boxOut, err = tower(a.boxTower, a.boxOut); err != nil {
		return nil, err
	}
	return m, nil
}
