package quant

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/kernels"
)

// naiveIm2col is the definition: row (c,ky,kx), column (oy,ox) reads
// src[c][oy*sh-ph+ky][ox*sw-pw+kx], pad outside.
func naiveIm2col(s kernels.ConvShape, src []int8, pad int8, col []int8) {
	oh, ow := s.OutH(), s.OutW()
	for c := range s.C {
		for ky := range s.KH {
			for kx := range s.KW {
				r := (c*s.KH+ky)*s.KW + kx
				for oy := range oh {
					for ox := range ow {
						y, x := oy*s.StrideH-s.PadH+ky, ox*s.StrideW-s.PadW+kx
						v := pad
						if y >= 0 && y < s.H && x >= 0 && x < s.W {
							v = src[(c*s.H+y)*s.W+x]
						}
						col[r*oh*ow+oy*ow+ox] = v
					}
				}
			}
		}
	}
}

// colJob (kernels' im2col split over rows) must equal the definition
// on contiguous input and output, and read and write through strides
// without touching anything else.
func TestColJobMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	shapes := []kernels.ConvShape{}
	for _, k := range []int{1, 3, 7} {
		for _, stride := range []int{1, 2, 3} {
			for _, pad := range []int{0, 1, 3} {
				for _, hw := range [][2]int{{1, 1}, {1, 5}, {5, 1}, {4, 4}, {7, 9}, {17, 23}, {40, 40}} {
					s := kernels.ConvShape{C: 2, H: hw[0], W: hw[1], KH: k, KW: k, StrideH: stride, StrideW: stride, PadH: pad, PadW: pad, DilH: 1, DilW: 1}
					if s.Validate() == nil {
						shapes = append(shapes, s)
					}
				}
			}
		}
	}
	for _, s := range shapes {
		name := fmt.Sprintf("%dx%d k%d s%d p%d", s.H, s.W, s.KH, s.StrideH, s.PadH)
		plane := s.H * s.W
		src := make([]int8, s.C*plane)
		for i := range src {
			src[i] = int8(rng.Intn(256) - 128)
		}
		rows, n := s.ColRows(), s.ColCols()
		want := make([]int8, rows*n)
		naiveIm2col(s, src, -7, want)
		got := make([]int8, rows*n)
		runColJob(colJob{im: kernels.ActiveInt8(), s: s, src: src, stride: plane, pad: -7, floor: -128, col: got, ldc: n})
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: contiguous: element %d = %d, want %d", name, i, got[i], want[i])
			}
		}
		// Split over rows as the threads run it, mid-channel (kernels'
		// im2col on each row range of a contiguous image).
		clear(got)
		j := colJob{im: kernels.ActiveInt8(), s: s, src: src, stride: plane, pad: -7, floor: -128, col: got, ldc: n}
		j.RunRange(0, 0, rows/3)
		j.RunRange(1, rows/3, rows)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: split: element %d = %d, want %d", name, i, got[i], want[i])
			}
		}
		// Strided: planes 3 values apart more than needed, rows ld = n + 5,
		// guard values everywhere else.
		stride, ld := plane+3, n+5
		wide := make([]int8, s.C*stride)
		for i := range wide {
			wide[i] = 99
		}
		for c := range s.C {
			copy(wide[c*stride:], src[c*plane:(c+1)*plane])
		}
		out := make([]int8, rows*ld)
		for i := range out {
			out[i] = 55
		}
		runColJob(colJob{im: kernels.ActiveInt8(), s: s, src: wide, stride: stride, pad: -7, floor: -128, col: out, ldc: ld})
		for r := range rows {
			for j := range ld {
				v := out[r*ld+j]
				if j < n && v != want[r*n+j] || j >= n && v != 55 {
					t.Fatalf("%s: strided: row %d column %d = %d", name, r, j, v)
				}
			}
		}
		// A floor reads max(v, floor) inside the image, pad outside.
		floored := make([]int8, rows*n)
		runColJob(colJob{im: kernels.ActiveInt8(), s: s, src: src, stride: plane, pad: -7, floor: 3, col: floored, ldc: n})
		clamped := make([]int8, len(src))
		for i, v := range src {
			clamped[i] = max(v, 3)
		}
		naiveIm2col(s, clamped, -7, want)
		for i := range want {
			if floored[i] != want[i] {
				t.Fatalf("%s: floor: element %d = %d, want %d", name, i, floored[i], want[i])
			}
		}
	}
}

// runColJob runs j on all its channels at once.
func runColJob(j colJob) { j.RunRange(0, 0, j.s.ColRows()) }
