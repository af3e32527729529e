package kernels

// The elementwise operations below stay in Go: they move one or two values
// per element and are bound by memory bandwidth, not arithmetic (see
// BenchmarkElementwise).

// ReLU sets every negative element of x to 0 in place; NaN stays NaN.
// A branch-free max: on activations a compare-and-branch mispredicts.
func ReLU(x []float32) {
	for i, v := range x {
		x[i] = max(v, 0)
	}
}

// Add writes a[i] + b[i] into dst[i]; all three have the same length.
func Add(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// AddReLU writes max(a[i] + b[i], 0) into dst[i]: a residual join.
func AddReLU(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = max(a[i]+b[i], 0)
	}
}
