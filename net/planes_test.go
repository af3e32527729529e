package net

import (
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

// im2col over strided planes into a strided matrix equals kernels.Im2col on
// packed planes on every tier (stride-2 rows are the tier's GatherEven, so
// some rows are long enough for whole vectors), and writes nothing between
// the rows or the planes.
func TestIm2colStridedMatchesKernels(t *testing.T) {
	for _, im := range kernels.Tiers() {
		testIm2colStrided(t, im)
	}
}

func testIm2colStrided(t *testing.T, im *kernels.Impl) {
	rng := rand.New(rand.NewSource(5))
	for _, s := range []kernels.ConvShape{
		{C: 3, H: 9, W: 70, KH: 7, KW: 7, StrideH: 2, StrideW: 2, PadH: 3, PadW: 3, DilH: 1, DilW: 1},
		{C: 2, H: 6, W: 67, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 3, H: 13, W: 11, KH: 7, KW: 7, StrideH: 2, StrideW: 2, PadH: 3, PadW: 3, DilH: 1, DilW: 1},
		{C: 2, H: 5, W: 6, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 2, H: 1, W: 1, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 4, H: 9, W: 7, KH: 1, KW: 1, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilH: 1, DilW: 1},
		{C: 1, H: 8, W: 10, KH: 3, KW: 3, StrideH: 3, StrideW: 3, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
	} {
		hw, n := s.H*s.W, s.ColCols()
		packed := randomSlice(rng, s.C*hw)
		want := make([]float32, s.ColRows()*n)
		kernels.Im2col(s, packed, want)
		const gap = 5
		sentinel := float32(-777)
		strided := make([]float32, s.C*(hw+gap))
		for i := range strided {
			strided[i] = sentinel
		}
		for c := range s.C {
			copy(strided[c*(hw+gap):], packed[c*hw:(c+1)*hw])
		}
		ld := n + gap
		col := make([]float32, s.ColRows()*ld)
		for i := range col {
			col[i] = sentinel
		}
		im2col(im, s, planes{data: strided, c: s.C, h: s.H, w: s.W, stride: hw + gap}, col, ld)
		for r := range s.ColRows() {
			for j := range ld {
				got := col[r*ld+j]
				if j >= n {
					if got != sentinel {
						t.Fatalf("%s %+v: wrote past row %d", im.Name, s, r)
					}
				} else if got != want[r*n+j] {
					t.Fatalf("%s %+v: row %d col %d: got %g, want %g", im.Name, s, r, j, got, want[r*n+j])
				}
			}
		}
	}
}
