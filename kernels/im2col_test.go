package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// convShapes covers kernel sizes, strides, paddings and dilations,
// including pads larger than the kernel reach and odd sizes.
func convShapes() []ConvShape {
	var out []ConvShape
	for _, s := range []ConvShape{
		{C: 3, H: 7, W: 9, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 2, H: 11, W: 8, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 3, H: 13, W: 13, KH: 7, KW: 7, StrideH: 2, StrideW: 2, PadH: 3, PadW: 3, DilH: 1, DilW: 1},
		{C: 4, H: 5, W: 6, KH: 1, KW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0, DilH: 1, DilW: 1},
		{C: 4, H: 9, W: 7, KH: 1, KW: 1, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilH: 1, DilW: 1},
		{C: 2, H: 10, W: 12, KH: 3, KW: 2, StrideH: 1, StrideW: 3, PadH: 2, PadW: 0, DilH: 2, DilW: 3},
		{C: 1, H: 4, W: 5, KH: 5, KW: 3, StrideH: 3, StrideW: 1, PadH: 4, PadW: 3, DilH: 1, DilW: 2},
		{C: 5, H: 1, W: 1, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 2, H: 3, W: 17, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
	} {
		if err := s.Validate(); err != nil {
			panic(err)
		}
		out = append(out, s)
	}
	return out
}

// directConv is the naive convolution: out[o][y][x] = sum w[o][c][ky][kx] * in[c][y*s-p+ky*d][x*s-p+kx*d].
func directConv(s ConvShape, oc int, w, in []float32) []float64 {
	oh, ow := s.OutH(), s.OutW()
	out := make([]float64, oc*oh*ow)
	for o := 0; o < oc; o++ {
		for y := 0; y < oh; y++ {
			for x := 0; x < ow; x++ {
				var sum float64
				for c := 0; c < s.C; c++ {
					for ky := 0; ky < s.KH; ky++ {
						for kx := 0; kx < s.KW; kx++ {
							iy, ix := y*s.StrideH-s.PadH+ky*s.DilH, x*s.StrideW-s.PadW+kx*s.DilW
							if iy < 0 || iy >= s.H || ix < 0 || ix >= s.W {
								continue
							}
							sum += float64(w[((o*s.C+c)*s.KH+ky)*s.KW+kx]) * float64(in[(c*s.H+iy)*s.W+ix])
						}
					}
				}
				out[(o*oh+y)*ow+x] = sum
			}
		}
	}
	return out
}

// TestConvMatchesDirect: Engine.Conv (im2col + SGEMM, or the pointwise
// shortcut) equals the naive convolution, batch 2, on every tier, and
// writes nothing past its output.
func TestConvMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, im := range tiers {
		e := NewEngine(im, 2)
		for _, s := range convShapes() {
			const oc, batch = 5, 2
			w := randSlice(rng, oc*s.ColRows())
			bias := randSlice(rng, oc)
			in := randSlice(rng, batch*s.C*s.H*s.W)
			outLen := oc * s.ColCols()
			dst := make([]float32, batch*outLen+9)
			for i := range dst {
				dst[i] = guard
			}
			col := make([]float32, s.ColRows()*s.ColCols())
			e.Conv(s, batch, PackA(im, false, oc, s.ColRows(), w, s.ColRows()), in, dst, col, Epilogue{Bias: bias, ReLU: true})
			for b := 0; b < batch; b++ {
				want := directConv(s, oc, w, in[b*s.C*s.H*s.W:])
				for i, v := range want {
					v += float64(bias[i/s.ColCols()])
					v = math.Max(v, 0)
					if got := float64(dst[b*outLen+i]); math.Abs(got-v) > 1e-5*float64(s.ColRows()) {
						t.Fatalf("%s %+v: image %d out[%d] = %g, want %g", im.Name, s, b, i, got, v)
					}
				}
			}
			for _, g := range dst[batch*outLen:] {
				if g != guard {
					t.Fatalf("%s %+v: conv wrote past its output", im.Name, s)
				}
			}
		}
		e.Close()
	}
}

// TestCol2imAdjoint: <col2im(y), x> = <y, im2col(x)> for random x, y.
func TestCol2imAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, s := range convShapes() {
		x := randSlice(rng, s.C*s.H*s.W)
		y := randSlice(rng, s.ColRows()*s.ColCols())
		col := make([]float32, len(y))
		Im2col(s, x, col)
		back := make([]float32, len(x))
		Col2im(s, y, back)
		var lhs, rhs float64
		for i := range x {
			lhs += float64(back[i]) * float64(x[i])
		}
		for i := range y {
			rhs += float64(y[i]) * float64(col[i])
		}
		if math.Abs(lhs-rhs) > 1e-4*math.Max(1, math.Abs(rhs)) {
			t.Fatalf("%+v: <col2im(y), x> = %g, <y, im2col(x)> = %g", s, lhs, rhs)
		}
	}
}

// TestCol2imAccumulates: Col2im adds onto dst rather than overwriting it.
func TestCol2imAccumulates(t *testing.T) {
	s := convShapes()[1]
	y := make([]float32, s.ColRows()*s.ColCols())
	dst := make([]float32, s.C*s.H*s.W)
	for i := range dst {
		dst[i] = 2
	}
	Col2im(s, y, dst)
	for i, v := range dst {
		if v != 2 {
			t.Fatalf("Col2im of zeros changed dst[%d] to %g", i, v)
		}
	}
}

// TestConvShapeValidate rejects shapes without output.
func TestConvShapeValidate(t *testing.T) {
	for _, s := range []ConvShape{
		{C: 1, H: 2, W: 2, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1},
		{C: 0, H: 2, W: 2, KH: 1, KW: 1, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1},
		{C: 1, H: 2, W: 2, KH: 1, KW: 1, StrideH: 0, StrideW: 1, DilH: 1, DilW: 1},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%s: accepted", fmt.Sprintf("%+v", s))
		}
	}
}

// im2colShapes adds to convShapes the cases of im2col's fast paths: same
// padding at stride 1 (one shifted copy per row, dilated too, offsets past
// the image), and stride-2 lines long enough for the vector gather.
func im2colShapes() []ConvShape {
	out := convShapes()
	for _, s := range []ConvShape{
		{C: 2, H: 9, W: 11, KH: 5, KW: 5, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilH: 1, DilW: 1},
		{C: 2, H: 8, W: 9, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 2, PadW: 2, DilH: 2, DilW: 2},
		{C: 1, H: 6, W: 1, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 1, H: 2, W: 3, KH: 1, KW: 7, StrideH: 1, StrideW: 1, PadH: 0, PadW: 3, DilH: 1, DilW: 1},
		{C: 2, H: 7, W: 75, KH: 7, KW: 7, StrideH: 2, StrideW: 2, PadH: 3, PadW: 3, DilH: 1, DilW: 1},
		{C: 3, H: 5, W: 66, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 2, H: 6, W: 161, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1}, // 81 outputs a line: whole blocks of 32 and a tail
		{C: 2, H: 4, W: 64, KH: 1, KW: 1, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilH: 1, DilW: 1},
	} {
		if err := s.Validate(); err != nil {
			panic(err)
		}
		out = append(out, s)
	}
	return out
}

// naiveIm2col is Im2col's definition, with pad outside the image.
func naiveIm2col[T float32 | int8](s ConvShape, src []T, pad T) []T {
	oh, ow := s.OutH(), s.OutW()
	col := make([]T, 0, s.ColRows()*oh*ow)
	for c := 0; c < s.C; c++ {
		for ky := 0; ky < s.KH; ky++ {
			for kx := 0; kx < s.KW; kx++ {
				for oy := 0; oy < oh; oy++ {
					for ox := 0; ox < ow; ox++ {
						y, x := oy*s.StrideH-s.PadH+ky*s.DilH, ox*s.StrideW-s.PadW+kx*s.DilW
						v := pad
						if y >= 0 && y < s.H && x >= 0 && x < s.W {
							v = src[(c*s.H+y)*s.W+x]
						}
						col = append(col, v)
					}
				}
			}
		}
	}
	return col
}

// TestIm2colMatchesNaive checks Im2col and Im2colInt8 (on every int8
// tier) against the definition, with a guard value past the matrix.
func TestIm2colMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, s := range im2colShapes() {
		src := randSlice(rng, s.C*s.H*s.W)
		src8 := make([]int8, len(src))
		fill8(rng, src8, "random")
		n := s.ColRows() * s.ColCols()
		col := make([]float32, n+1)
		col[n] = guard
		Im2col(s, src, col)
		want, want8 := naiveIm2col(s, src, 0), naiveIm2col(s, src8, -7)
		for i := range want {
			if col[i] != want[i] {
				t.Fatalf("%+v: col[%d] = %v, want %v", s, i, col[i], want[i])
			}
		}
		if col[n] != guard {
			t.Fatalf("%+v: wrote past the matrix", s)
		}
		for _, im := range Int8Tiers() {
			col8 := make([]int8, n+1)
			col8[n] = guard8
			Im2colInt8(im, s, src8, -7, col8)
			for i := range want8 {
				if col8[i] != want8[i] {
					t.Fatalf("%s %+v: col[%d] = %d, want %d", im.Name, s, i, col8[i], want8[i])
				}
			}
			if col8[n] != guard8 {
				t.Fatalf("%s %+v: wrote past the matrix", im.Name, s)
			}
		}
	}
}

// TestIm2colPlanesMatchesIm2col: over strided planes into a strided
// matrix, split into row ranges as threads run it, Im2colPlanes (on every
// tier: stride-2 rows are the tier's GatherEven, some long enough for
// whole vectors) and Im2colPlanesInt8 (on every int8 tier) equal Im2col
// and Im2colInt8 on
// packed planes, and write nothing between the rows.
func TestIm2colPlanesMatchesIm2col(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, s := range im2colShapes() {
		hw, n, rows := s.H*s.W, s.ColCols(), s.ColRows()
		packed := randSlice(rng, s.C*hw)
		packed8 := make([]int8, len(packed))
		fill8(rng, packed8, "random")
		want := make([]float32, rows*n)
		Im2col(s, packed, want)
		want8 := naiveIm2col(s, packed8, -7)
		const gap = 5
		stride, ld := hw+gap, n+gap
		strided := make([]float32, s.C*stride)
		strided8 := make([]int8, s.C*stride)
		for c := range s.C {
			copy(strided[c*stride:], packed[c*hw:(c+1)*hw])
			copy(strided8[c*stride:], packed8[c*hw:(c+1)*hw])
		}
		split := rows / 2
		for _, im := range Tiers() {
			col := make([]float32, rows*ld)
			for i := range col {
				col[i] = guard
			}
			Im2colPlanes(im, s, strided, stride, col, ld, 0, split)
			Im2colPlanes(im, s, strided, stride, col, ld, split, rows)
			for r := range rows {
				for j := range ld {
					if got := col[r*ld+j]; j >= n && got != guard || j < n && got != want[r*n+j] {
						t.Fatalf("%s %+v: row %d col %d = %g", im.Name, s, r, j, got)
					}
				}
			}
		}
		// A floor reads max(v, floor) inside the image, the pad outside.
		clamped := make([]int8, len(packed8))
		for i, v := range packed8 {
			clamped[i] = max(v, 3)
		}
		wantFloor := naiveIm2col(s, clamped, -7)
		for _, im := range Int8Tiers() {
			col8 := make([]int8, rows*ld)
			for i := range col8 {
				col8[i] = guard8
			}
			Im2colPlanesInt8(im, s, strided8, stride, -7, -128, col8, ld, 0, split)
			Im2colPlanesInt8(im, s, strided8, stride, -7, -128, col8, ld, split, rows)
			for r := range rows {
				for j := range ld {
					if got := col8[r*ld+j]; j >= n && got != guard8 || j < n && got != want8[r*n+j] {
						t.Fatalf("%s %+v: row %d col %d = %d", im.Name, s, r, j, got)
					}
				}
			}
			floored := make([]int8, rows*n)
			Im2colPlanesInt8(im, s, packed8, hw, -7, 3, floored, n, 0, rows)
			for i := range wantFloor {
				if floored[i] != wantFloor[i] {
					t.Fatalf("%s floor %+v: element %d = %d, want %d", im.Name, s, i, floored[i], wantFloor[i])
				}
			}
		}
	}
}

// TestGatherEven8Go: the portable stride-2 byte gather, every length
// around its 8-byte steps, with src exactly as long as it must be.
func TestGatherEven8Go(t *testing.T) {
	for n := 0; n < 40; n++ {
		src := make([]int8, 2*n+1)
		for i := range src {
			src[i] = int8(i * 7)
		}
		dst := make([]int8, n)
		gatherEven8Go(dst, src[:max(2*n-1, 0)])
		for i := range dst {
			if dst[i] != src[2*i] {
				t.Fatalf("n %d: dst[%d] = %d, want %d", n, i, dst[i], src[2*i])
			}
		}
	}
}

// BenchmarkIm2colStride2Int8 runs the int8 im2col of ResNet-18's
// stride-2 convs at 320 (the stem, and the first 3x3 conv of layer2,
// layer3 and layer4) on the active int8 tier, one thread.
func BenchmarkIm2colStride2Int8(b *testing.B) {
	for _, s := range []ConvShape{
		{C: 3, H: 320, W: 320, KH: 7, KW: 7, StrideH: 2, StrideW: 2, PadH: 3, PadW: 3, DilH: 1, DilW: 1},
		{C: 64, H: 80, W: 80, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 128, H: 40, W: 40, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
		{C: 256, H: 20, W: 20, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, DilH: 1, DilW: 1},
	} {
		src := make([]int8, s.C*s.H*s.W)
		col := make([]int8, s.ColRows()*s.ColCols())
		b.Run(fmt.Sprintf("c%d-%dx%d-k%d", s.C, s.H, s.W, s.KH), func(b *testing.B) {
			for b.Loop() {
				Im2colInt8(ActiveInt8(), s, src, 0, col)
			}
		})
	}
}
