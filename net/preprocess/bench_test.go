package preprocess

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// benchJPEG is a 640x480 camera-like frame after JPEG encode and decode
// (an *image.YCbCr, 4:2:0), the usual input of `retina stream`.
func benchJPEG(b *testing.B) image.Image {
	m := image.NewNRGBA(image.Rect(0, 0, 640, 480))
	for y := range 480 {
		for x := range 640 {
			n := uint8((x*7 + y*13) ^ (x * y))
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / 640), uint8(y * 255 / 480), n, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	img, err := DecodeBytes("bench.jpg", buf.Bytes(), 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	return img
}

func benchRun(b *testing.B, img image.Image, minSize, maxSize int) {
	p := NewPreprocessor(minSize, maxSize, imageNetMean, imageNetStd)
	g, err := p.GeometryFor(img.Bounds().Dx(), img.Bounds().Dy())
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float32, g.TensorLen())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := p.Run(img, dst); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.ResizedW*g.ResizedH)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mpix/s")
}

func BenchmarkRunJPEG640x480To320(b *testing.B) { benchRun(b, benchJPEG(b), 320, 320) }
func BenchmarkRunJPEG640x480To800(b *testing.B) { benchRun(b, benchJPEG(b), 800, 1333) }
func BenchmarkRunRGBA640x480To800(b *testing.B) { benchRun(b, rgbaOf(benchJPEG(b)), 800, 1333) }

func BenchmarkDecodeJPEG640x480(b *testing.B) {
	img := benchJPEG(b)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeBytes("bench.jpg", buf.Bytes(), 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}

func rgbaOf(img image.Image) *image.RGBA {
	m := image.NewRGBA(img.Bounds())
	for y := range img.Bounds().Dy() {
		for x := range img.Bounds().Dx() {
			m.Set(x, y, img.At(x, y))
		}
	}
	return m
}

// BenchmarkRunFixedJPEG640x480To320x320 is the fixed-size stream case.
func BenchmarkRunFixedJPEG640x480To320x320(b *testing.B) {
	img := benchJPEG(b)
	p := NewPreprocessor(320, 320, imageNetMean, imageNetStd)
	dst := make([]float32, 3*320*320)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.RunFixed(img, 320, 320, dst); err != nil {
			b.Fatal(err)
		}
	}
}
