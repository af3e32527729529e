package preprocess

import (
	"image"
	"math"
	"strings"
	"testing"
)

func TestRunAllocatesNothingOnceWarm(t *testing.T) {
	images := map[string]image.Image{
		"ycbcr": newYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420, 1),
		"rgba":  image.NewRGBA(image.Rect(0, 0, 64, 48)),
		"nrgba": image.NewNRGBA(image.Rect(0, 0, 48, 64)),
		"gray":  image.NewGray(image.Rect(0, 0, 50, 50)),
	}
	for name, img := range images {
		p := NewPreprocessor(40, 70, imageNetMean, imageNetStd)
		dst := make([]float32, 3*96*96)
		if _, err := p.Run(img, dst); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(20, func() { p.Run(img, dst) }); n != 0 {
			t.Errorf("%s: Run allocates %v times per call", name, n)
		}
		if n := testing.AllocsPerRun(20, func() { p.RunFixed(img, 32, 32, dst) }); n != 0 {
			t.Errorf("%s: RunFixed allocates %v times per call", name, n)
		}
	}
}

func TestRunErrors(t *testing.T) {
	p := NewPreprocessor(800, 1333, imageNetMean, imageNetStd)
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	g, err := p.GeometryFor(64, 48)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Geometry{64, 48, 1066, 800, 1088, 800}); g != want {
		t.Fatalf("geometry %+v, want %+v", g, want)
	}
	for _, c := range []struct {
		name string
		run  func() error
		want string
	}{
		{"short buffer", func() error { _, err := p.Run(img, make([]float32, g.TensorLen()-1)); return err }, "tensor buffer holds 2611199 floats, a 1088x800 padded image needs 2611200"},
		{"empty image", func() error { _, err := p.Run(image.NewRGBA(image.Rect(0, 0, 0, 5)), nil); return err }, "image has no pixels (0x5)"},
		{"resizes to nothing", func() error { _, err := p.Run(image.NewGray(image.Rect(0, 0, 1, 5000)), nil); return err }, "a 1x5000 image resizes to 0x1332"},
		{"bad limits", func() error {
			_, err := NewPreprocessor(0, 10, imageNetMean, imageNetStd).Run(img, nil)
			return err
		}, "min size 0 and max size 10 must be positive"},
		{"bad fixed size", func() error { _, err := p.RunFixed(img, 0, 10, nil); return err }, "fixed size 0x10 must be positive"},
		{"fixed short buffer", func() error { _, err := p.RunFixed(img, 33, 32, make([]float32, 3*32*33)); return err }, "a 64x32 padded image needs 6144"},
	} {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestSizesAndPadding(t *testing.T) {
	for _, c := range []struct{ w, h, min, max, rw, rh int }{
		{640, 480, 800, 1333, 1066, 800},
		{480, 640, 800, 1333, 800, 1066},
		{1920, 1080, 800, 1333, 1333, 749},
		{640, 480, 320, 320, 320, 240},
		{0, 480, 800, 1333, 0, 0},
		{640, 480, 0, 1333, 0, 0},
	} {
		rw, rh := ResizedSize(c.w, c.h, c.min, c.max)
		if rw != c.rw || rh != c.rh {
			t.Errorf("ResizedSize(%d, %d, %d, %d) = %d, %d; want %d, %d", c.w, c.h, c.min, c.max, rw, rh, c.rw, c.rh)
		}
	}
	for _, c := range [][4]int{{1066, 800, 1088, 800}, {1, 1, 32, 32}, {32, 33, 32, 64}, {0, 0, 0, 0}} {
		if pw, ph := PaddedSize(c[0], c[1]); pw != c[2] || ph != c[3] {
			t.Errorf("PaddedSize(%d, %d) = %d, %d", c[0], c[1], pw, ph)
		}
	}
}

// TestRunReusesAcrossSizes runs one Preprocessor over changing sizes and
// types and wants each result equal to a fresh Preprocessor's.
func TestRunReusesAcrossSizes(t *testing.T) {
	shared := NewPreprocessor(30, 50, imageNetMean, imageNetStd)
	imgs := []image.Image{
		newYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420, 2),
		generic{newYCbCr(image.Rect(0, 0, 20, 33), image.YCbCrSubsampleRatio444, 3)},
		newYCbCr(image.Rect(0, 0, 17, 9), image.YCbCrSubsampleRatio422, 4),
		generic{newYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420, 2)},
	}
	for i, img := range imgs {
		fresh := NewPreprocessor(30, 50, imageNetMean, imageNetStd)
		a := make([]float32, 3*64*64)
		b := make([]float32, 3*64*64)
		for j := range a {
			a[j] = 7 // stale values that padding must clear
		}
		ga, err := shared.Run(img, a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fresh.Run(img, b); err != nil {
			t.Fatal(err)
		}
		for j := range ga.TensorLen() {
			if a[j] != b[j] {
				t.Fatalf("image %d element %d: reused %g, fresh %g", i, j, a[j], b[j])
			}
		}
	}
}

func TestBadNormalization(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for _, std := range [][3]float32{{0.2, 0, 0.2}, {float32(math.Inf(1)), 1, 1}, {1, float32(math.NaN()), 1}} {
		p := NewPreprocessor(8, 8, imageNetMean, std)
		if _, err := p.Run(img, make([]float32, 3*32*32)); err == nil || !strings.Contains(err.Error(), "std non-zero") {
			t.Errorf("std %v: error %v", std, err)
		}
		if _, err := p.RunFixed(img, 8, 8, make([]float32, 3*32*32)); err == nil {
			t.Errorf("std %v: RunFixed gave no error", std)
		}
	}
}
