package quant

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// floatLayer is one conv with its batch norm folded, ready to quantize.
type floatLayer struct {
	spec  net.ArchConv
	shape kernels.ConvShape // H and W are set per input
	w, b  []float32         // oc x (ic*k*k), oc
	gamma []float32         // GroupNorm affine after the conv (spec.GN), or nil
	beta  []float32
}

// foldLayer reads a conv's weights (and its norm) and folds its batch norm
// exactly as package net does, so the quantizer starts from the float
// model's own weights.
func foldLayer(s net.ArchConv, weights map[string]net.Param) (*floatLayer, error) {
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
	k := s.InC * s.K * s.K
	w, err := get(s.Name+".weight", s.OutC*k)
	if err != nil {
		return nil, err
	}
	var b []float32
	if s.Bias {
		if b, err = get(s.Name+".bias", s.OutC); err != nil {
			return nil, err
		}
	}
	l := &floatLayer{spec: s, shape: s.Shape(0, 0)}
	if s.GN != "" {
		if l.gamma, err = get(s.GN+".weight", s.OutC); err != nil {
			return nil, err
		}
		if l.beta, err = get(s.GN+".bias", s.OutC); err != nil {
			return nil, err
		}
	}
	if s.BN == "" {
		l.w = append([]float32(nil), w...)
		l.b = make([]float32, s.OutC)
		copy(l.b, b)
		return l, nil
	}
	var bn [4][]float32
	for i, f := range []string{"weight", "bias", "running_mean", "running_var"} {
		if bn[i], err = get(s.BN+"."+f, s.OutC); err != nil {
			return nil, err
		}
	}
	l.w, l.b = net.FoldBatchNorm(w, b, bn[0], bn[1], bn[2], bn[3])
	return l, nil
}
