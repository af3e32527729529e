package quant

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// FormatTag is the "format" metadata of the quantized model files Model
// writes; formatV1 files, whose head convs hold one set of parameters for
// every pyramid level, still load.
const (
	FormatTag = "retina-int8-v2"
	formatV1  = "retina-int8-v1"
)

// Tensors are a conv's entries in a quantized model file: int8 weights
// (OutC x C x KH x KW), F32 per-channel weight scales, I32 biases (input
// zero point folded in) and the input/output scales and zero points.
func (c *Conv) Tensors(name string) []safetensors.Tensor {
	return append(c.weightTensors(name),
		safetensors.I32(name+".bias", []int{c.OutC}, c.Bias),
		safetensors.F32(name+".act_scale", []int{2}, []float32{c.In.Scale, c.Out.Scale}),
		safetensors.I32(name+".act_zero", []int{2}, []int32{c.In.Zero, c.Out.Zero}),
	)
}

// weightTensors are the int8 weights and their per-channel scales, the
// entries a plain conv and a head conv (one weight set for all levels) share.
func (c *Conv) weightTensors(name string) []safetensors.Tensor {
	s := c.Shape
	return []safetensors.Tensor{
		safetensors.I8(name+".weight", []int{c.OutC, s.C, s.KH, s.KW}, c.Weights),
		safetensors.F32(name+".weight_scale", []int{c.OutC}, c.WScales),
	}
}

// ReadConv loads the conv name of shape s from a quantized model file.
func ReadConv(f *safetensors.File, name string, s kernels.ConvShape, outC int, relu bool) (*Conv, error) {
	w, ws, bias, act, err := readConvTensors(f, name, s, outC, 1)
	if err != nil {
		return nil, err
	}
	c, err := NewConv(s, outC, act[0], act[1], relu, w, ws, bias)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// levelTensors are a head conv's entries: the weights once, then per level
// (rows P3..P7) the bias, [net.NumLevels, OutC], and the input and output
// scales and zero points, [net.NumLevels, 2].
func (lc levelConv) tensors(name string) []safetensors.Tensor {
	c := lc[0]
	bias := make([]int32, 0, net.NumLevels*c.OutC)
	act := make([]float32, 0, 2*net.NumLevels)
	zero := make([]int32, 0, 2*net.NumLevels)
	for _, l := range lc {
		bias = append(bias, l.Bias...)
		act = append(act, l.In.Scale, l.Out.Scale)
		zero = append(zero, l.In.Zero, l.Out.Zero)
	}
	return append(c.weightTensors(name),
		safetensors.I32(name+".bias", []int{net.NumLevels, c.OutC}, bias),
		safetensors.F32(name+".act_scale", []int{net.NumLevels, 2}, act),
		safetensors.I32(name+".act_zero", []int{net.NumLevels, 2}, zero),
	)
}

// readLevelConv loads head conv name holding sets of per-level parameters
// (1 in a v1 file, used on every level; net.NumLevels in a v2 file).
func readLevelConv(f *safetensors.File, name string, s kernels.ConvShape, outC int, relu bool, sets int) (levelConv, error) {
	w, ws, bias, act, err := readConvTensors(f, name, s, outC, sets)
	if err != nil {
		return levelConv{}, err
	}
	var in, out [net.NumLevels]QParams
	var b [net.NumLevels][]int32
	for l := range net.NumLevels {
		i := l % sets
		in[l], out[l], b[l] = act[2*i], act[2*i+1], bias[i*outC:(i+1)*outC]
	}
	lc, err := newLevelConv(s, outC, in, out, relu, w, ws, b)
	if err != nil {
		return lc, fmt.Errorf("%s: %w", name, err)
	}
	return lc, nil
}

// readConvTensors reads a conv's weights and sets of (bias, input and
// output parameters), refusing zero points outside int8 and weights of
// -128.
func readConvTensors(f *safetensors.File, name string, s kernels.ConvShape, outC, sets int) (w []int8, ws []float32, bias []int32, act []QParams, err error) {
	if w, err = tensorI8(f, name+".weight", outC*s.ColRows()); err != nil {
		return
	}
	if ws, err = tensorF32(f, name+".weight_scale", outC); err != nil {
		return
	}
	if bias, err = tensorI32(f, name+".bias", sets*outC); err != nil {
		return
	}
	scale, err := tensorF32(f, name+".act_scale", 2*sets)
	if err != nil {
		return
	}
	zero, err := tensorI32(f, name+".act_zero", 2*sets)
	if err != nil {
		return
	}
	for _, z := range zero {
		if z < -128 || z > 127 {
			return nil, nil, nil, nil, fmt.Errorf("%s.act_zero: zero point %d outside int8", name, z)
		}
	}
	for i, v := range w {
		if v == -128 {
			return nil, nil, nil, nil, fmt.Errorf("%s.weight: value -128 at %d (int8 weights are symmetric, -127..127)", name, i)
		}
	}
	act = make([]QParams, 2*sets)
	for i := range act {
		act[i] = QParams{scale[i], zero[i]}
	}
	return w, ws, bias, act, nil
}

func lookup(f *safetensors.File, name, dtype string, n int) (*safetensors.Tensor, error) {
	t, ok := f.Get(name)
	if !ok {
		return nil, fmt.Errorf("tensor %s missing", name)
	}
	if t.DType != dtype || t.NumElements() != n {
		return nil, fmt.Errorf("tensor %s is %s %v, want %s with %d values", name, t.DType, t.Shape, dtype, n)
	}
	return t, nil
}

func tensorI8(f *safetensors.File, name string, n int) ([]int8, error) {
	t, err := lookup(f, name, "I8", n)
	if err != nil {
		return nil, err
	}
	return t.Int8s()
}

func tensorI32(f *safetensors.File, name string, n int) ([]int32, error) {
	t, err := lookup(f, name, "I32", n)
	if err != nil {
		return nil, err
	}
	return t.Int32s()
}

func tensorF32(f *safetensors.File, name string, n int) ([]float32, error) {
	t, err := lookup(f, name, "F32", n)
	if err != nil {
		return nil, err
	}
	return t.Float32s()
}
