package camera

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// encodeTestJPEG appends a w x h JPEG whose gradient depends on n.
func encodeTestJPEG(dst []byte, w, h, n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*255/w + n*7), uint8(y*255/h + n*13), uint8(n * 31), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return append(dst, b.Bytes()...)
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// readAllFrames reads a finite source to its end, checking frame numbers.
func readAllFrames(t *testing.T, src Source) ([][]byte, error) {
	t.Helper()
	var got [][]byte
	for {
		f, err := src.Read(context.Background())
		if err != nil {
			return got, err
		}
		if f.Format != MJPEG || f.Width == 0 || f.Seq != uint64(len(got)) {
			t.Fatalf("frame %d: %v %dx%d seq %d", len(got), f.Format, f.Width, f.Height, f.Seq)
		}
		got = append(got, append([]byte(nil), f.Data...))
		f.Release()
	}
}
