package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIm2colPlanesBand: every band of output rows, in any split, is the
// matching columns of the whole matrix, on every shape (the same-padded
// stride-1 copy path included) and tier.
func TestIm2colPlanesBand(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, im := range Tiers() {
		for _, s := range convShapes() {
			src := make([]float32, s.C*s.H*s.W)
			for i := range src {
				src[i] = rng.Float32() + 1 // never 0: a missed copy shows
			}
			n, oh, ow := s.ColCols(), s.OutH(), s.OutW()
			whole := make([]float32, s.ColRows()*n)
			Im2colPlanes(im, s, src, s.H*s.W, whole, n, 0, s.ColRows())
			for rows := 1; rows <= oh; rows++ {
				for b0 := 0; b0 < oh; b0 += rows {
					b1 := min(b0+rows, oh)
					m := (b1 - b0) * ow
					band := make([]float32, s.ColRows()*m)
					Im2colPlanesBand(im, s, src, s.H*s.W, band, m, 0, s.ColRows(), b0, b1)
					for r := range s.ColRows() {
						if want := whole[r*n+b0*ow : r*n+b1*ow]; !slices.Equal(band[r*m:(r+1)*m], want) {
							t.Fatalf("%s %+v band %d..%d row %d: %v, want %v", im.Name, s, b0, b1, r, band[r*m:(r+1)*m], want)
						}
					}
				}
			}
		}
	}
}
