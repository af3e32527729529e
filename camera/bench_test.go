package camera

import (
	"bytes"
	"context"
	"image"
	"net/http"
	"net/http/httptest"
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

// BenchmarkV4L2Source640x480 reads YUYV frames through the re-connecting
// core from the fake device (the copy out of the driver buffer included).
func BenchmarkV4L2Source640x480(b *testing.B) {
	w := newYUYVWorld()
	w.sizes[fourccYUYV] = []frameSize{discrete(benchW, benchH)}
	frame := yuyvBars(0, benchW, benchH)
	w.frame = func(int, uint32, int, int) []byte { return frame }
	src, err := openV4L2With("/dev/video7", Options{Width: benchW, Height: benchH}, w.open)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	benchSource(b, src, len(frame))
}

// BenchmarkHTTPSource640x480 reads MJPEG parts from a local HTTP server.
// The server runs in this process: its writes (one per 64 parts) are in the
// allocation count too.
func BenchmarkHTTPSource640x480(b *testing.B) {
	part := []byte("--b\r\nContent-Type: image/jpeg\r\n\r\n")
	jp := testJPEGs(1, benchW, benchH)[0]
	part = append(append(part, jp...), "\r\n"...)
	body := bytes.Repeat(part, 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary=b")
		for r.Context().Err() == nil {
			if _, err := w.Write(body); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	src, err := Open(srv.URL, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	benchSource(b, src, len(jp))
}

func benchSource(b *testing.B, src Source, frameBytes int) {
	ctx := context.Background()
	for i := 0; i < 2*defaultBuffers; i++ { // grow every buffer of the ring
		f, err := src.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		f.Release()
	}
	b.SetBytes(int64(frameBytes))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := src.Read(ctx)
		if err != nil {
			b.Fatal(err)
		}
		f.Release()
	}
}
