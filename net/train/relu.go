package train

// reluBackward zeroes the gradient wherever the ReLU's output y is not
// positive (torch's threshold_backward on the result).
func reluBackward(g, y []float32) {
	y = y[:len(g)]
	for i, v := range y {
		if v <= 0 {
			g[i] = 0
		}
	}
}

// addReLU writes max(a+b, 0): a residual join.
func addReLU(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = max(a[i]+b[i], 0)
	}
}

// reluInto writes max(x, 0) into dst: P7's input F.relu(P6), kept apart
// from P6, which the head also reads.
func reluInto(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = max(v, 0)
	}
}

// addInto adds x into dst.
func addInto(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += v
	}
}
