package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Tensor is one named array. Data holds the elements little-endian, row-major.
// Tensors returned by Parse share Data with the parsed buffer.
type Tensor struct {
	Name  string
	DType string // "F32", "F16", "BF16", "F64", "I8", "U8", "I16", "I32", "I64", "BOOL", ...
	Shape []int
	Data  []byte
}

// NumElements is the product of the shape (1 for a scalar).
func (t *Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// checkSize verifies that Data holds exactly NumElements elements of the
// tensor's dtype, so the decoders below never read out of range.
func (t *Tensor) checkSize() error {
	size, ok := DTypeSize(t.DType)
	if !ok {
		return fmt.Errorf("tensor %q: unknown dtype %q", t.Name, t.DType)
	}
	n, err := elementCount(t.Shape)
	if err != nil {
		return fmt.Errorf("tensor %q: %v", t.Name, err)
	}
	if n > math.MaxInt/size || len(t.Data) != n*size {
		return fmt.Errorf("tensor %q: shape %v of %s needs %d bytes, has %d", t.Name, t.Shape, t.DType, n*size, len(t.Data))
	}
	return nil
}

// elementCount multiplies the dims, refusing negative dims and overflow.
func elementCount(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %v: element count overflows", shape)
		}
		n *= d
	}
	return n, nil
}

// Float32s decodes the elements as float32. F32 is copied; F16, BF16 and F64
// are converted (F64 rounds to nearest, out-of-range values become ±Inf).
func (t *Tensor) Float32s() ([]float32, error) {
	if err := t.checkSize(); err != nil {
		return nil, err
	}
	n := t.NumElements()
	out := make([]float32, n)
	d := t.Data
	switch t.DType {
	case "F32":
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d[4*i:]))
		}
	case "F16":
		for i := range out {
			out[i] = HalfToFloat32(binary.LittleEndian.Uint16(d[2*i:]))
		}
	case "BF16":
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(d[2*i:])) << 16)
		}
	case "F64":
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(d[8*i:])))
		}
	default:
		return nil, fmt.Errorf("tensor %q: dtype %s is not a float type", t.Name, t.DType)
	}
	return out, nil
}

// Int8s returns the elements of an I8 tensor.
func (t *Tensor) Int8s() ([]int8, error) {
	if err := t.checkSize(); err != nil {
		return nil, err
	}
	if t.DType != "I8" {
		return nil, fmt.Errorf("tensor %q: dtype is %s, want I8", t.Name, t.DType)
	}
	out := make([]int8, len(t.Data))
	for i, b := range t.Data {
		out[i] = int8(b)
	}
	return out, nil
}

// Int32s returns the elements of an I32 tensor.
func (t *Tensor) Int32s() ([]int32, error) {
	if err := t.checkSize(); err != nil {
		return nil, err
	}
	if t.DType != "I32" {
		return nil, fmt.Errorf("tensor %q: dtype is %s, want I32", t.Name, t.DType)
	}
	out := make([]int32, t.NumElements())
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return out, nil
}

// F32 builds an F32 tensor from float32 values (shape is copied).
func F32(name string, shape []int, data []float32) Tensor {
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, DType: "F32", Shape: append([]int{}, shape...), Data: b}
}

// I8 builds an I8 tensor (shape is copied).
func I8(name string, shape []int, data []int8) Tensor {
	b := make([]byte, len(data))
	for i, v := range data {
		b[i] = byte(v)
	}
	return Tensor{Name: name, DType: "I8", Shape: append([]int{}, shape...), Data: b}
}

// I32 builds an I32 tensor (shape is copied).
func I32(name string, shape []int, data []int32) Tensor {
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	return Tensor{Name: name, DType: "I32", Shape: append([]int{}, shape...), Data: b}
}
