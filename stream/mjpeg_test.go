package stream

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/net/jpegdec"
)

// mjpegSource replays JPEG encodings of the test pattern as Motion-JPEG
// frames, cycling through a fixed ring of frame structs so that it
// allocates nothing itself.
type mjpegSource struct {
	jpegs  [][]byte
	w, h   int
	frames [4]camera.Frame
	seq    uint64
}

// newMJPEGSource encodes n frames of the test pattern of the given size.
func newMJPEGSource(t testing.TB, size string, n int) *mjpegSource {
	t.Helper()
	src := openPattern(t, size, 0)
	s := &mjpegSource{}
	for range n {
		f, err := src.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rgba := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
		err = camera.ConvertToRGBA(rgba, f, camera.FullRange)
		f.Release()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		s.jpegs = append(s.jpegs, buf.Bytes())
		s.w, s.h = f.Width, f.Height
	}
	return s
}

func (s *mjpegSource) Read(ctx context.Context) (*camera.Frame, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f := &s.frames[s.seq%uint64(len(s.frames))]
	f.Seq, f.Time, f.Format = s.seq, time.Now(), camera.MJPEG
	f.Width, f.Height = s.w, s.h
	f.Data = s.jpegs[s.seq%uint64(len(s.jpegs))]
	s.seq++
	return f, nil
}

func (s *mjpegSource) Close() error     { return nil }
func (s *mjpegSource) Describe() string { return "MJPEG test pattern" }

// Every MJPEG frame reaches OnFrame as exactly its own fresh decode, though
// the capture stage decodes into reused slot buffers while later stages
// still read earlier frames.
func TestPipelineMJPEGPictures(t *testing.T) {
	const frames = 3 * maxFrames
	for mode, name := range modeNames {
		src := newMJPEGSource(t, "64x48", 5)
		want := make([]*image.RGBA, len(src.jpegs))
		for i, data := range src.jpegs {
			img, err := jpegdec.DecodeBytes(data, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			want[i] = img
		}
		seen := 0
		opts := Options{Detect: testOptions(), OnFrame: func(r *Result, img image.Image) {
			seen++
			w := want[r.Frame%uint64(len(want))]
			got, ok := img.(*image.RGBA)
			if !ok || got.Rect != w.Rect || !bytes.Equal(got.Pix, w.Pix) {
				t.Errorf("%s: frame %d: picture differs from its own decode", name, r.Frame)
			}
		}}
		p := newTestPipeline(t, &limitSource{Source: src, n: frames}, mode, []Sink{&countSink{t: t}}, opts)
		if err := p.Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if seen != frames {
			t.Errorf("%s: OnFrame saw %d of %d frames", name, seen, frames)
		}
	}
}
