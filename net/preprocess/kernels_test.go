package preprocess

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLoopsMatchFMA32 checks the inlined multiply-add in resampleRow and
// blendRows against fma32 itself, with half weights (frequent ties), unit
// weights and arbitrary ones.
func TestLoopsMatchFMA32(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var norm [256]float32
	for i := range norm {
		norm[i] = float32(r.NormFloat64() * 2)
	}
	const n = 4096
	src := make([]uint8, n)
	for i := range src {
		src[i] = uint8(r.IntN(256))
	}
	var a axis
	a.i0, a.i1 = make([]int32, n), make([]int32, n)
	a.w0, a.w1 = make([]float32, n), make([]float32, n)
	for x := range n {
		a.i0[x], a.i1[x] = int32(r.IntN(n)), int32(r.IntN(n))
		switch x % 3 {
		case 0:
			a.w0[x], a.w1[x] = 0.5, 0.5
		case 1:
			a.w0[x], a.w1[x] = 1, 0
		default:
			a.w1[x] = r.Float32()
			a.w0[x] = 1 - a.w1[x]
		}
	}
	out := make([]float32, n)
	resampleRow(out, src, &norm, &a)
	for x := range out {
		want := fma32(norm[src[a.i0[x]]], a.w0[x], float32(norm[src[a.i1[x]]]*a.w1[x]))
		if math.Float32bits(out[x]) != math.Float32bits(want) {
			t.Fatalf("resampleRow[%d] = %g, fma32 says %g", x, out[x], want)
		}
	}
	r0, r1 := make([]float32, n), make([]float32, n)
	for x := range n {
		r0[x], r1[x] = float32(r.NormFloat64()), float32(r.NormFloat64()*1e-3)
	}
	for _, w := range [][2]float32{{0.5, 0.5}, {1, 0}, {0.3125, 0.6875}, {0.123456, 0.876544}} {
		blendRows(out, r0, r1, w[0], w[1], shortWeight(w[0]) && shortWeight(w[1]))
		for x := range out {
			want := fma32(r0[x], w[0], float32(r1[x]*w[1]))
			if math.Float32bits(out[x]) != math.Float32bits(want) {
				t.Fatalf("blendRows(w=%v)[%d] = %g, fma32 says %g", w, x, out[x], want)
			}
		}
	}
}
