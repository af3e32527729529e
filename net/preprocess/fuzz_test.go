package preprocess

import (
	"bytes"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// FuzzDecode feeds arbitrary bytes to the decoder and, when they decode,
// to the preprocessor, with a small pixel limit: nothing may panic, and a
// decoded image must fit the limit.
func FuzzDecode(f *testing.F) {
	pic := testPicture(9, 7)
	for _, enc := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return png.Encode(b, pic) },
		func(b *bytes.Buffer) error { return jpeg.Encode(b, pic, nil) },
		func(b *bytes.Buffer) error { return gif.Encode(b, pic, nil) },
		func(b *bytes.Buffer) error { return bmp.Encode(b, pic) },
		func(b *bytes.Buffer) error { return tiff.Encode(b, pic, nil) },
	} {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
	}
	if data, err := os.ReadFile(filepath.Join(fixtureDir, "truncated.jpg")); err == nil {
		f.Add(data)
	}
	f.Add(pngHeaderOnly(1<<20, 1<<20))
	const maxPixels = 1 << 14
	p := NewPreprocessor(16, 32, imageNetMean, imageNetStd)
	dst := make([]float32, 3*64*64)
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := DecodeBytes("fuzz", data, maxPixels)
		if err != nil {
			return
		}
		b := img.Bounds()
		if b.Dx()*b.Dy() > maxPixels {
			t.Fatalf("decoded %v past the limit", b)
		}
		g, err := p.Run(img, dst)
		if err != nil {
			return // e.g. a 1 x 200 image resizes to zero width
		}
		if g.TensorLen() > len(dst) {
			t.Fatalf("geometry %+v does not fit a 32-max tensor", g)
		}
		if _, err := p.RunFixed(img, 20, 12, dst); err != nil {
			t.Fatal(err)
		}
	})
}
