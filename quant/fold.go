package quant

import (
	"fmt"
	"math"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// batchNormEps is torchvision's batch norm epsilon.
const batchNormEps = 1e-5

// floatLayer is one conv with its batch norm folded, ready to quantize.
type floatLayer struct {
	spec  layerSpec
	shape kernels.ConvShape // H and W are set per input
	w, b  []float32         // oc x (ic*k*k), oc
}

// foldLayer reads a conv's weights and folds its batch norm exactly as
// package net does (float64, one rounding), so the quantizer starts from
// the float model's own weights.
func foldLayer(s layerSpec, weights map[string]net.Param) (*floatLayer, error) {
	get := func(name string, n int) ([]float32, error) {
		p, ok := weights[name]
		if !ok {
			return nil, fmt.Errorf("weight %s missing", name)
		}
		if len(p.Data) != n {
			return nil, fmt.Errorf("weight %s has %d values, want %d", name, len(p.Data), n)
		}
		return p.Data, nil
	}
	k := s.ic * s.k * s.k
	w, err := get(s.name+".weight", s.oc*k)
	if err != nil {
		return nil, err
	}
	var b []float32
	if s.bias {
		if b, err = get(s.name+".bias", s.oc); err != nil {
			return nil, err
		}
	}
	l := &floatLayer{spec: s, shape: kernels.ConvShape{C: s.ic, KH: s.k, KW: s.k, StrideH: s.stride, StrideW: s.stride, PadH: s.pad, PadW: s.pad, DilH: 1, DilW: 1}}
	if s.bn == "" {
		l.w = append([]float32(nil), w...)
		l.b = make([]float32, s.oc)
		copy(l.b, b)
		return l, nil
	}
	var bn [4][]float32
	for i, f := range []string{"weight", "bias", "running_mean", "running_var"} {
		if bn[i], err = get(s.bn+"."+f, s.oc); err != nil {
			return nil, err
		}
	}
	l.w, l.b = make([]float32, len(w)), make([]float32, s.oc)
	for o := 0; o < s.oc; o++ {
		sc := float64(bn[0][o]) / math.Sqrt(float64(bn[3][o])+batchNormEps)
		for i, v := range w[o*k : (o+1)*k] {
			l.w[o*k+i] = float32(float64(v) * sc)
		}
		var cb float64
		if b != nil {
			cb = float64(b[o])
		}
		l.b[o] = float32((cb-float64(bn[2][o]))*sc + float64(bn[1][o]))
	}
	return l, nil
}
