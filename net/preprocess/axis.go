package preprocess

// axis holds, for every output position along one axis, the two source
// indices and their weights, as ATen's compute_source_index_and_lambda
// computes them for bilinear with align_corners=False and no scale given
// (recompute_scale_factor=True leaves only the sizes).
type axis struct {
	in, out int
	i0, i1  []int32
	w0, w1  []float32
	// short is true when most weights are short (see shortWeight).
	short bool
}

// set fills the axis for in -> out positions, reusing its slices.
func (a *axis) set(in, out int) {
	if a.in == in && a.out == out && len(a.i0) == out {
		return
	}
	a.in, a.out = in, out
	a.i0, a.i1 = growInt32(a.i0, out), growInt32(a.i1, out)
	a.w0, a.w1 = growFloat32(a.w0, out), growFloat32(a.w1, out)
	if in == out {
		// ATen copies: both indices the same, weights 1 and 0.
		for o := range out {
			a.i0[o], a.i1[o], a.w0[o], a.w1[o] = int32(o), int32(o), 1, 0
		}
		a.short = false // sums are exact: the tie test never fires
		return
	}
	// The ratio is float (scalar_t) in/out; the source position is computed
	// in ATen's CPU accumulate type for float, double, and clamped at 0.
	ratio := float64(float32(in) / float32(out))
	for o := range out {
		src := float64(ratio*(float64(o)+0.5)) - 0.5
		if src < 0 {
			src = 0
		}
		i0 := int(src) // static_cast<int64_t>: truncation, src >= 0
		i1 := i0
		if i0 < in-1 {
			i1++
		}
		l1 := float32(src - float64(i0))
		a.i0[o], a.i1[o] = int32(i0), int32(i1)
		a.w0[o], a.w1[o] = 1-l1, l1
	}
	n := 0
	for o := range out {
		if shortWeight(a.w0[o]) && shortWeight(a.w1[o]) {
			n++
		}
	}
	a.short = 2*n > out
}

func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

func growFloat32(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func growUint8(s []uint8, n int) []uint8 {
	if cap(s) < n {
		return make([]uint8, n)
	}
	return s[:n]
}
