package preprocess

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"
)

// generic hides an image's concrete type so Run takes the conversion path
// (image.At per pixel), the reference for every fast path.
type generic struct{ image.Image }

func newYCbCr(r image.Rectangle, ratio image.YCbCrSubsampleRatio, seed int) *image.YCbCr {
	m := image.NewYCbCr(r, ratio)
	for i := range m.Y {
		m.Y[i] = uint8(i*31 + seed)
	}
	for i := range m.Cb {
		m.Cb[i] = uint8(i*17 + 3*seed)
		m.Cr[i] = uint8(255 - i*13 - seed)
	}
	return m
}

func runBoth(t *testing.T, name string, img image.Image) {
	t.Helper()
	p := NewPreprocessor(24, 40, imageNetMean, imageNetStd)
	g, err := p.GeometryFor(img.Bounds().Dx(), img.Bounds().Dy())
	if err != nil {
		t.Fatal(err)
	}
	fast := make([]float32, g.TensorLen())
	ref := make([]float32, g.TensorLen())
	if _, err := p.Run(img, fast); err != nil {
		t.Fatal(err)
	}
	if _, err := NewPreprocessor(24, 40, imageNetMean, imageNetStd).Run(generic{img}, ref); err != nil {
		t.Fatal(err)
	}
	for i := range ref {
		if math.Float32bits(fast[i]) != math.Float32bits(ref[i]) {
			t.Fatalf("%s: element %d: fast path %g, conversion path %g", name, i, fast[i], ref[i])
		}
	}
}

// TestFastPathsMatchConversion runs every pixel-type fast path against the
// image.At conversion, on odd sizes and bounds that do not start at 0.
func TestFastPathsMatchConversion(t *testing.T) {
	r := image.Rect(-3, 5, 28, 26) // 31 x 21, odd origin
	ratios := []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	}
	for i, ratio := range ratios {
		m := newYCbCr(r, ratio, i)
		runBoth(t, "ycbcr "+ratio.String(), m)
		// A sub-image starts mid chroma block.
		runBoth(t, "ycbcr sub "+ratio.String(), m.SubImage(image.Rect(0, 8, 27, 25)))
		runBoth(t, "ycbcr odd sub "+ratio.String(), m.SubImage(image.Rect(3, 7, 26, 24)))
	}

	rgba := image.NewRGBA(r)
	nrgba := image.NewNRGBA(r)
	gray := image.NewGray(r)
	cmyk := image.NewCMYK(r)
	for i := range rgba.Pix {
		nrgba.Pix[i] = uint8(i * 37)
		cmyk.Pix[i] = uint8(i * 29)
	}
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i * 11)
	}
	// Premultiplied RGBA with varied alpha, from the NRGBA picture.
	draw.Draw(rgba, r, nrgba, r.Min, draw.Src)
	runBoth(t, "rgba", rgba)
	runBoth(t, "nrgba", nrgba)
	runBoth(t, "gray", gray)
	runBoth(t, "cmyk", cmyk)
	runBoth(t, "rgba sub", rgba.SubImage(image.Rect(1, 6, 20, 25)))
}

// TestConversionPath checks the generic path against hand-made values: a
// paletted image whose pixels are known colours.
func TestConversionPath(t *testing.T) {
	pal := color.Palette{color.NRGBA{10, 200, 30, 255}, color.NRGBA{250, 0, 128, 255}}
	m := image.NewPaletted(image.Rect(0, 0, 2, 1), pal)
	m.SetColorIndex(1, 0, 1)
	mean, std := [3]float32{0.5, 0.25, 0}, [3]float32{0.5, 1, 2}
	p := NewPreprocessor(1, 2, mean, std) // 2x1 stays 2x1 (scale 1)
	dst := make([]float32, 3*32*32)
	g, err := p.Run(m, dst)
	if err != nil {
		t.Fatal(err)
	}
	if g.ResizedW != 2 || g.ResizedH != 1 {
		t.Fatalf("geometry %+v", g)
	}
	for x, c := range []color.NRGBA{{10, 200, 30, 255}, {250, 0, 128, 255}} {
		for ch, v := range []uint8{c.R, c.G, c.B} {
			want := float32(float32(float32(v)/255)-mean[ch]) / std[ch]
			if got := dst[ch*32*32+x]; got != want {
				t.Errorf("x=%d channel %d: %g, want %g", x, ch, got, want)
			}
		}
	}
}
