package preprocess

import (
	"math"
	"path/filepath"
	"testing"
)

// TestGoldenTensors runs the PNG crops through Run (or RunFixed) and wants
// torchvision's tensors bit for bit: same RGB bytes in, same float32 out.
func TestGoldenTensors(t *testing.T) {
	f := loadFixtures(t)
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			img, err := DecodeFile(filepath.Join(fixtureDir, c.PNG), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			p := NewPreprocessor(c.MinSize, c.MaxSize, f.Mean, f.Std)
			want := loadTensor(t, c.Name, 3*c.Padded[0]*c.Padded[1])
			got := make([]float32, len(want)+7)
			for i := range got {
				got[i] = float32(math.NaN()) // Run must overwrite padding too
			}
			var g Geometry
			if c.Fixed != nil {
				g, err = p.RunFixed(img, c.Fixed[0], c.Fixed[1], got)
			} else {
				g, err = p.Run(img, got)
			}
			if err != nil {
				t.Fatal(err)
			}
			wantG := Geometry{c.Orig[0], c.Orig[1], c.Resized[0], c.Resized[1], c.Padded[0], c.Padded[1]}
			if g != wantG {
				t.Fatalf("geometry %+v, want %+v", g, wantG)
			}
			mismatches := 0
			for i, w := range want {
				if got[i] != w {
					if mismatches < 5 {
						t.Errorf("element %d (c=%d y=%d x=%d): got %.9g, want %.9g", i,
							i/(g.PaddedW*g.PaddedH), i/g.PaddedW%g.PaddedH, i%g.PaddedW, got[i], w)
					}
					mismatches++
				}
			}
			if mismatches > 0 {
				t.Fatalf("%d of %d elements differ from torchvision", mismatches, len(want))
			}
			for i := len(want); i < len(got); i++ {
				if !math.IsNaN(float64(got[i])) {
					t.Fatalf("Run wrote past the tensor at %d", i)
				}
			}
		})
	}
}

// TestResizedSizeMatchesTorch checks the min/max rule on several hundred
// sizes, including those where a plain float32 division would be off.
func TestResizedSizeMatchesTorch(t *testing.T) {
	f := loadFixtures(t)
	for _, s := range f.Sizes {
		rw, rh := ResizedSize(s[0], s[1], s[2], s[3])
		if rw != s[4] || rh != s[5] {
			t.Errorf("ResizedSize(%d, %d, %d, %d) = %d, %d; torch says %d, %d", s[0], s[1], s[2], s[3], rw, rh, s[4], s[5])
		}
	}
}

func TestScaleBoxBackMatchesTorch(t *testing.T) {
	f := loadFixtures(t)
	for _, b := range f.Boxes {
		g := Geometry{OrigW: b.Orig[0], OrigH: b.Orig[1], ResizedW: b.Resized[0], ResizedH: b.Resized[1]}
		for i, in := range b.In {
			if got := g.ScaleBoxBack(in); got != b.Out[i] {
				t.Errorf("%+v ScaleBoxBack(%v) = %v, torch says %v", g, in, got, b.Out[i])
			}
		}
	}
}
