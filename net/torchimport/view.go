package torchimport

import (
	"fmt"
	"math"

	"github.com/retina-edge/retina/net/safetensors"
)

// floatDTypes are the storage dtypes imported as float32.
var floatDTypes = map[string]bool{"F32": true, "F16": true, "BF16": true, "F64": true}

// checkView verifies that every element a strided view addresses lies inside
// its storage and that the view is not absurdly large, before any copying.
func checkView(name string, t *tensorRef) (int, error) {
	count := 1
	for _, d := range t.shape {
		if d != 0 && count > maxTensorElements/d {
			return 0, fmt.Errorf("tensor %q: shape %v exceeds %d elements", name, t.shape, maxTensorElements)
		}
		count *= d
	}
	if count == 0 {
		return 0, nil
	}
	last := t.offset // index of the view's farthest element
	for i, d := range t.shape {
		step := t.stride[i]
		if step > 0 && d-1 > (math.MaxInt-last)/step {
			return 0, fmt.Errorf("tensor %q: strides %v overflow", name, t.stride)
		}
		last += (d - 1) * step
	}
	if last >= t.storage.numel {
		return 0, fmt.Errorf("tensor %q: view (offset %d, shape %v, stride %v) reaches element %d of a %d-element storage",
			name, t.offset, t.shape, t.stride, last, t.storage.numel)
	}
	return count, nil
}

// materialize copies a strided view into a contiguous row-major tensor; float
// dtypes become F32, integer dtypes keep their type.
func materialize(name string, t *tensorRef, storage []byte, bigEndian bool) (safetensors.Tensor, error) {
	count, err := checkView(name, t)
	if err != nil {
		return safetensors.Tensor{}, err
	}
	size, _ := safetensors.DTypeSize(t.storage.dtype)
	out := make([]byte, 0, count*size)
	if count > 0 {
		idx := make([]int, len(t.shape))
		pos := t.offset
		for {
			out = append(out, storage[pos*size:(pos+1)*size]...)
			// Advance the multi-index like an odometer, last dim fastest.
			d := len(idx) - 1
			for ; d >= 0; d-- {
				idx[d]++
				pos += t.stride[d]
				if idx[d] < t.shape[d] {
					break
				}
				pos -= idx[d] * t.stride[d]
				idx[d] = 0
			}
			if d < 0 {
				break
			}
		}
	}
	if bigEndian {
		swapBytes(out, size)
	}
	raw := safetensors.Tensor{Name: name, DType: t.storage.dtype, Shape: append([]int{}, t.shape...), Data: out}
	if !floatDTypes[raw.DType] || raw.DType == "F32" {
		return raw, nil
	}
	f, err := raw.Float32s()
	if err != nil {
		return safetensors.Tensor{}, err
	}
	return safetensors.F32(name, t.shape, f), nil
}

// swapBytes reverses each size-byte element in place.
func swapBytes(b []byte, size int) {
	for i := 0; i+size <= len(b); i += size {
		for l, r := i, i+size-1; l < r; l, r = l+1, r-1 {
			b[l], b[r] = b[r], b[l]
		}
	}
}
