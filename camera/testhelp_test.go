package camera

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
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
