package camera

import (
	"fmt"
	"image"
)

// ConvertToRGB writes a raw frame's pixels (YUYV, NV12, I420, RGB24) as
// packed RGB into dst (at least Width*Height*3 bytes). r applies to YUYV,
// NV12 and I420. MJPEG frames are refused: decode them with a JPEG decoder
// (the stream uses net/preprocess's, which matches PIL).
func ConvertToRGB(dst []byte, f *Frame, r YUVRange) error {
	switch f.Format {
	case YUYV:
		return YUYVToRGB(dst, f.Data, f.Width, f.Height, r)
	case NV12:
		return NV12ToRGB(dst, f.Data, f.Width, f.Height, r)
	case I420:
		return I420ToRGB(dst, f.Data, f.Width, f.Height, r)
	case RGB24:
		if err := checkRGB24(f); err != nil {
			return err
		}
		n := f.Width * f.Height * 3
		if len(dst) < n {
			return fmt.Errorf("camera: RGB24 %dx%d needs a %d-byte destination, got %d", f.Width, f.Height, n, len(dst))
		}
		copy(dst, f.Data[:n])
		return nil
	}
	return unconvertible(f)
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
	case RGB24:
		if err := checkRGB24(f); err != nil {
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
	return unconvertible(f)
}

func checkRGB24(f *Frame) error {
	if err := checkDims("RGB24", f.Width, f.Height); err != nil {
		return err
	}
	return checkSource("RGB24", f.Width, f.Height, len(f.Data), f.Width*f.Height*3)
}

func unconvertible(f *Frame) error {
	if f.Format == MJPEG {
		return fmt.Errorf("camera: frame %d is MJPEG: decode it with a JPEG decoder, not ConvertToRGB", f.Seq)
	}
	return fmt.Errorf("camera: frame %d has unknown pixel format %v", f.Seq, f.Format)
}
