package camera

import (
	"bytes"
	"image"
	"testing"
)

const benchW, benchH = 640, 480

func benchYUV(b *testing.B, n int, fn func(dst, src []byte, w, h int, r YUVRange) error, r YUVRange) {
	src := make([]byte, n)
	for i := range src {
		src[i] = byte(i * 7)
	}
	dst := make([]byte, benchW*benchH*3)
	b.SetBytes(int64(benchW * benchH * 3))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := fn(dst, src, benchW, benchH, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkYUYVToRGB640x480(b *testing.B) {
	benchYUV(b, benchW*benchH*2, YUYVToRGB, FullRange)
}

func BenchmarkYUYVToRGB640x480Limited(b *testing.B) {
	benchYUV(b, benchW*benchH*2, YUYVToRGB, LimitedRange)
}

func BenchmarkNV12ToRGB640x480(b *testing.B) {
	benchYUV(b, benchW*benchH*3/2, NV12ToRGB, FullRange)
}

func BenchmarkI420ToRGB640x480(b *testing.B) {
	benchYUV(b, benchW*benchH*3/2, I420ToRGB, FullRange)
}

func BenchmarkYUYVToRGBA640x480(b *testing.B) {
	src := make([]byte, benchW*benchH*2)
	dst := image.NewRGBA(image.Rect(0, 0, benchW, benchH))
	b.SetBytes(int64(benchW * benchH * 4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := YUYVToRGBA(dst, src, benchW, benchH, FullRange); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMJPEGSplit640x480(b *testing.B) {
	frames := testJPEGs(4, benchW, benchH)
	stream := bytes.Join(frames, nil)
	r := bytes.NewReader(stream)
	s := NewMJPEGSplitter(r, 0)
	var buf []byte
	b.SetBytes(int64(len(stream) / 4))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		buf, err = s.Next(buf)
		if err != nil { // end of the stream: start it again
			r.Reset(stream)
			s.in.lo, s.in.hi, s.in.err = 0, 0, nil
			if buf, err = s.Next(buf); err != nil {
				b.Fatal(err)
			}
		}
	}
}
