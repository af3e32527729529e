package camera

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
)

// JPEGToRGB decodes a JPEG into packed RGB in dst and returns its size. The
// size is read from the frame header first, so a too-small dst or a huge
// picture is refused before anything is decoded. image/jpeg allocates a fresh
// image for every decode (the standard library cannot decode into a reused
// one): about w*h*1.5 bytes for 4:2:0, see BenchmarkJPEGToRGB640x480.
func JPEGToRGB(dst, data []byte) (w, h int, err error) {
	w, h, ok := jpegSize(data)
	if !ok {
		return 0, 0, fmt.Errorf("camera: not a JPEG with a readable frame header")
	}
	if err := checkDims("JPEG", w, h); err != nil {
		return 0, 0, err
	}
	t, err := packedTarget(dst, "JPEG", w, h)
	if err != nil {
		return 0, 0, err
	}
	return w, h, decodeJPEGTo(t, data, w, h)
}

// JPEGToRGBA decodes a JPEG into an RGBA image of exactly its size.
func JPEGToRGBA(dst *image.RGBA, data []byte) error {
	w, h, ok := jpegSize(data)
	if !ok {
		return fmt.Errorf("camera: not a JPEG with a readable frame header")
	}
	if err := checkDims("JPEG", w, h); err != nil {
		return err
	}
	t, err := rgbaTarget(dst, "JPEG", w, h)
	if err != nil {
		return err
	}
	return decodeJPEGTo(t, data, w, h)
}

func decodeJPEGTo(t rgbTarget, data []byte, w, h int) error {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("camera: JPEG: %w", err)
	}
	b := img.Bounds()
	if b.Dx() != w || b.Dy() != h {
		return fmt.Errorf("camera: JPEG decoded to %dx%d, its header says %dx%d", b.Dx(), b.Dy(), w, h)
	}
	switch m := img.(type) {
	case *image.YCbCr:
		c := &fullCoeffs // JFIF is full range
		for y := 0; y < h; y++ {
			out := t.pix[y*t.stride : y*t.stride+w*t.bpp]
			for x := 0; x < w; x++ {
				yi := m.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				o := x * t.bpp
				out[o], out[o+1], out[o+2] = c.pixel(m.Y[yi], m.Cb[ci], m.Cr[ci])
				if t.bpp == 4 {
					out[o+3] = 255
				}
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:w]
			out := t.pix[y*t.stride : y*t.stride+w*t.bpp]
			for x, v := range row {
				o := x * t.bpp
				out[o], out[o+1], out[o+2] = v, v, v
				if t.bpp == 4 {
					out[o+3] = 255
				}
			}
		}
	default: // CMYK and anything rarer: slow, but correct
		for y := 0; y < h; y++ {
			out := t.pix[y*t.stride : y*t.stride+w*t.bpp]
			for x := 0; x < w; x++ {
				c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
				o := x * t.bpp
				out[o], out[o+1], out[o+2] = c.R, c.G, c.B
				if t.bpp == 4 {
					out[o+3] = 255
				}
			}
		}
	}
	return nil
}

// ConvertToRGB writes any frame's pixels as packed RGB into dst (at least
// Width*Height*3 bytes). r applies to YUYV, NV12 and I420; JPEG is always full
// range. Only MJPEG frames allocate (in image/jpeg).
func ConvertToRGB(dst []byte, f *Frame, r YUVRange) error {
	switch f.Format {
	case YUYV:
		return YUYVToRGB(dst, f.Data, f.Width, f.Height, r)
	case NV12:
		return NV12ToRGB(dst, f.Data, f.Width, f.Height, r)
	case I420:
		return I420ToRGB(dst, f.Data, f.Width, f.Height, r)
	case MJPEG:
		w, h, err := JPEGToRGB(dst, f.Data)
		if err == nil && (w != f.Width || h != f.Height) {
			return fmt.Errorf("camera: frame %d says %dx%d, its JPEG is %dx%d", f.Seq, f.Width, f.Height, w, h)
		}
		return err
	case RGB24:
		if err := checkDims("RGB24", f.Width, f.Height); err != nil {
			return err
		}
		n := f.Width * f.Height * 3
		if err := checkSource("RGB24", f.Width, f.Height, len(f.Data), n); err != nil {
			return err
		}
		if len(dst) < n {
			return fmt.Errorf("camera: RGB24 %dx%d needs a %d-byte destination, got %d", f.Width, f.Height, n, len(dst))
		}
		copy(dst, f.Data[:n])
		return nil
	}
	return fmt.Errorf("camera: frame %d has unknown pixel format %v", f.Seq, f.Format)
}

// ConvertToRGBA is ConvertToRGB into an RGBA image of exactly the frame's size.
func ConvertToRGBA(dst *image.RGBA, f *Frame, r YUVRange) error {
	switch f.Format {
	case YUYV:
		return YUYVToRGBA(dst, f.Data, f.Width, f.Height, r)
	case NV12:
		return NV12ToRGBA(dst, f.Data, f.Width, f.Height, r)
	case I420:
		return I420ToRGBA(dst, f.Data, f.Width, f.Height, r)
	case MJPEG:
		return JPEGToRGBA(dst, f.Data)
	case RGB24:
		if err := checkDims("RGB24", f.Width, f.Height); err != nil {
			return err
		}
		if err := checkSource("RGB24", f.Width, f.Height, len(f.Data), f.Width*f.Height*3); err != nil {
			return err
		}
		t, err := rgbaTarget(dst, "RGB24", f.Width, f.Height)
		if err != nil {
			return err
		}
		for y := 0; y < f.Height; y++ {
			in := f.Data[y*f.Width*3 : (y+1)*f.Width*3]
			out := t.pix[y*t.stride : y*t.stride+f.Width*4]
			for x := 0; x < f.Width; x++ {
				out[x*4], out[x*4+1], out[x*4+2], out[x*4+3] = in[x*3], in[x*3+1], in[x*3+2], 255
			}
		}
		return nil
	}
	return fmt.Errorf("camera: frame %d has unknown pixel format %v", f.Seq, f.Format)
}
