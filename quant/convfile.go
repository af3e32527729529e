package quant

import (
	"fmt"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net/safetensors"
)

// FormatTag is the "format" metadata of a quantized model file.
const FormatTag = "retina-int8-v1"

// Tensors are a conv's entries in a quantized model file: int8 weights
// (OutC x C x KH x KW), F32 per-channel weight scales, I32 biases (input
// zero point folded in) and the input/output scales and zero points.
func (c *Conv) Tensors(name string) []safetensors.Tensor {
	s := c.Shape
	return []safetensors.Tensor{
		safetensors.I8(name+".weight", []int{c.OutC, s.C, s.KH, s.KW}, c.Weights),
		safetensors.F32(name+".weight_scale", []int{c.OutC}, c.WScales),
		safetensors.I32(name+".bias", []int{c.OutC}, c.Bias),
		safetensors.F32(name+".act_scale", []int{2}, []float32{c.In.Scale, c.Out.Scale}),
		safetensors.I32(name+".act_zero", []int{2}, []int32{c.In.Zero, c.Out.Zero}),
	}
}

// ReadConv loads the conv name of shape s from a quantized model file.
func ReadConv(f *safetensors.File, name string, s kernels.ConvShape, outC int, relu bool) (*Conv, error) {
	w, err := tensorI8(f, name+".weight", outC*s.ColRows())
	if err != nil {
		return nil, err
	}
	ws, err := tensorF32(f, name+".weight_scale", outC)
	if err != nil {
		return nil, err
	}
	bias, err := tensorI32(f, name+".bias", outC)
	if err != nil {
		return nil, err
	}
	act, err := tensorF32(f, name+".act_scale", 2)
	if err != nil {
		return nil, err
	}
	zero, err := tensorI32(f, name+".act_zero", 2)
	if err != nil {
		return nil, err
	}
	for _, z := range zero {
		if z < -128 || z > 127 {
			return nil, fmt.Errorf("%s.act_zero: zero point %d outside int8", name, z)
		}
	}
	for i, v := range w {
		if v == -128 {
			return nil, fmt.Errorf("%s.weight: value -128 at %d (int8 weights are symmetric, -127..127)", name, i)
		}
	}
	c, err := NewConv(s, outC, QParams{act[0], zero[0]}, QParams{act[1], zero[1]}, relu, w, ws, bias)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
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
