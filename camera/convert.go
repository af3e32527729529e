package camera

import (
	"fmt"
	"image"
)

// maxSide bounds a frame's width and height so size arithmetic cannot overflow.
const maxSide = 1 << 15

// rgbTarget is where a conversion writes: rows of stride bytes, bpp bytes per
// pixel (3 for packed RGB, 4 for RGBA with alpha 255).
type rgbTarget struct {
	pix    []byte
	stride int
	bpp    int
}

func packedTarget(dst []byte, format string, w, h int) (rgbTarget, error) {
	if len(dst) < w*h*3 {
		return rgbTarget{}, fmt.Errorf("camera: %s %dx%d to RGB needs a %d-byte destination, got %d", format, w, h, w*h*3, len(dst))
	}
	return rgbTarget{dst, w * 3, 3}, nil
}

func rgbaTarget(dst *image.RGBA, format string, w, h int) (rgbTarget, error) {
	if dst == nil || dst.Rect.Dx() != w || dst.Rect.Dy() != h {
		got := "nil"
		if dst != nil {
			got = dst.Rect.String()
		}
		return rgbTarget{}, fmt.Errorf("camera: %s %dx%d needs a %dx%d RGBA destination, got %s", format, w, h, w, h, got)
	}
	off := dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y)
	if dst.Stride < w*4 || len(dst.Pix) < off+(h-1)*dst.Stride+w*4 {
		return rgbTarget{}, fmt.Errorf("camera: %s: RGBA destination's pixel buffer is too short", format)
	}
	return rgbTarget{dst.Pix[off:], dst.Stride, 4}, nil
}

func checkDims(format string, w, h int) error {
	if w <= 0 || h <= 0 || w > maxSide || h > maxSide {
		return fmt.Errorf("camera: %s: bad frame size %dx%d", format, w, h)
	}
	return nil
}

func checkSource(format string, w, h, have, need int) error {
	if have < need {
		return fmt.Errorf("camera: %s %dx%d needs %d bytes, got %d", format, w, h, need, have)
	}
	return nil
}

// YUYVToRGB converts packed 4:2:2 YUYV (Y0 U Y1 V) of an even width to packed
// RGB in dst (at least w*h*3 bytes). It does not allocate.
func YUYVToRGB(dst, src []byte, w, h int, r YUVRange) error {
	if err := checkDims("YUYV", w, h); err != nil {
		return err
	}
	t, err := packedTarget(dst, "YUYV", w, h)
	if err != nil {
		return err
	}
	return yuyvTo(t, src, w, h, r)
}

// YUYVToRGBA is YUYVToRGB into an RGBA image of exactly w x h.
func YUYVToRGBA(dst *image.RGBA, src []byte, w, h int, r YUVRange) error {
	if err := checkDims("YUYV", w, h); err != nil {
		return err
	}
	t, err := rgbaTarget(dst, "YUYV", w, h)
	if err != nil {
		return err
	}
	return yuyvTo(t, src, w, h, r)
}

func yuyvTo(t rgbTarget, src []byte, w, h int, r YUVRange) error {
	if w%2 != 0 {
		return fmt.Errorf("camera: YUYV needs an even width, got %d", w)
	}
	if err := checkSource("YUYV", w, h, len(src), w*h*2); err != nil {
		return err
	}
	c := *coeffsFor(r) // a local copy: stores to out cannot alias it
	for y := 0; y < h; y++ {
		in := src[y*w*2 : (y+1)*w*2]
		out := t.pix[y*t.stride : y*t.stride+w*t.bpp]
		if t.bpp == 3 {
			for i, o := 0, 0; i+3 < len(in) && o+5 < len(out); i, o = i+4, o+6 {
				rc, gc, bc := c.chroma(in[i+1], in[i+3])
				y0, y1 := c.luma(in[i]), c.luma(in[i+2])
				out[o], out[o+1], out[o+2] = clamp16(y0+rc), clamp16(y0-gc), clamp16(y0+bc)
				out[o+3], out[o+4], out[o+5] = clamp16(y1+rc), clamp16(y1-gc), clamp16(y1+bc)
			}
			continue
		}
		for i, o := 0, 0; i+3 < len(in) && o+7 < len(out); i, o = i+4, o+8 {
			rc, gc, bc := c.chroma(in[i+1], in[i+3])
			y0, y1 := c.luma(in[i]), c.luma(in[i+2])
			out[o], out[o+1], out[o+2], out[o+3] = clamp16(y0+rc), clamp16(y0-gc), clamp16(y0+bc), 255
			out[o+4], out[o+5], out[o+6], out[o+7] = clamp16(y1+rc), clamp16(y1-gc), clamp16(y1+bc), 255
		}
	}
	return nil
}

// chromaSize is the size of one 4:2:0 chroma plane (half size, rounded up).
func chromaSize(w, h int) (int, int) { return (w + 1) / 2, (h + 1) / 2 }

// NV12ToRGB converts NV12 (Y plane, then interleaved U V at half size) to
// packed RGB in dst (at least w*h*3 bytes). Odd sizes use rounded-up chroma.
func NV12ToRGB(dst, src []byte, w, h int, r YUVRange) error {
	if err := checkDims("NV12", w, h); err != nil {
		return err
	}
	t, err := packedTarget(dst, "NV12", w, h)
	if err != nil {
		return err
	}
	return yuv420To(t, src, w, h, r, true)
}

// NV12ToRGBA is NV12ToRGB into an RGBA image of exactly w x h.
func NV12ToRGBA(dst *image.RGBA, src []byte, w, h int, r YUVRange) error {
	if err := checkDims("NV12", w, h); err != nil {
		return err
	}
	t, err := rgbaTarget(dst, "NV12", w, h)
	if err != nil {
		return err
	}
	return yuv420To(t, src, w, h, r, true)
}

// I420ToRGB converts I420 (Y plane, U plane, V plane, chroma at half size) to
// packed RGB in dst (at least w*h*3 bytes). Odd sizes use rounded-up chroma.
func I420ToRGB(dst, src []byte, w, h int, r YUVRange) error {
	if err := checkDims("I420", w, h); err != nil {
		return err
	}
	t, err := packedTarget(dst, "I420", w, h)
	if err != nil {
		return err
	}
	return yuv420To(t, src, w, h, r, false)
}

// I420ToRGBA is I420ToRGB into an RGBA image of exactly w x h.
func I420ToRGBA(dst *image.RGBA, src []byte, w, h int, r YUVRange) error {
	if err := checkDims("I420", w, h); err != nil {
		return err
	}
	t, err := rgbaTarget(dst, "I420", w, h)
	if err != nil {
		return err
	}
	return yuv420To(t, src, w, h, r, false)
}

// yuv420To converts NV12 (interleaved) or I420 (planar) chroma layouts.
func yuv420To(t rgbTarget, src []byte, w, h int, r YUVRange, interleaved bool) error {
	name := "I420"
	if interleaved {
		name = "NV12"
	}
	cw, ch := chromaSize(w, h)
	if err := checkSource(name, w, h, len(src), w*h+2*cw*ch); err != nil {
		return err
	}
	c := *coeffsFor(r) // a local copy: stores to out cannot alias it
	luma := src[:w*h]
	chroma := src[w*h : w*h+2*cw*ch]
	for y := 0; y < h; y++ {
		in := luma[y*w : (y+1)*w]
		out := t.pix[y*t.stride : y*t.stride+w*t.bpp]
		var us, vs []byte
		if interleaved {
			uv := chroma[(y/2)*cw*2 : (y/2+1)*cw*2]
			us, vs = uv, uv[1:]
		} else {
			us = chroma[(y/2)*cw : (y/2+1)*cw]
			vs = chroma[cw*ch+(y/2)*cw : cw*ch+(y/2+1)*cw]
		}
		step := 1
		if interleaved {
			step = 2
		}
		// Pixels in pairs sharing one chroma sample; an odd width leaves a
		// last pixel with its own.
		x, o, k := 0, 0, 0
		for ; x+1 < len(in) && o+2*t.bpp <= len(out) && k < len(us) && k < len(vs); x, o, k = x+2, o+2*t.bpp, k+step {
			rc, gc, bc := c.chroma(us[k], vs[k])
			y0, y1 := c.luma(in[x]), c.luma(in[x+1])
			p := out[o : o+2*t.bpp]
			p[0], p[1], p[2] = clamp16(y0+rc), clamp16(y0-gc), clamp16(y0+bc)
			q := p[t.bpp:]
			q[0], q[1], q[2] = clamp16(y1+rc), clamp16(y1-gc), clamp16(y1+bc)
			if t.bpp == 4 {
				p[3], q[3] = 255, 255
			}
		}
		if x < len(in) && o+t.bpp <= len(out) && k < len(us) && k < len(vs) {
			p := out[o : o+t.bpp]
			p[0], p[1], p[2] = c.pixel(in[x], us[k], vs[k])
			if t.bpp == 4 {
				p[3] = 255
			}
		}
	}
	return nil
}

// RGBAToRGB drops the alpha channel of src into packed RGB in dst.
func RGBAToRGB(dst []byte, src *image.RGBA) error {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	if len(dst) < w*h*3 {
		return fmt.Errorf("camera: RGBA %dx%d to RGB needs a %d-byte destination, got %d", w, h, w*h*3, len(dst))
	}
	for y := 0; y < h; y++ {
		row := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y):][:w*4]
		out := dst[y*w*3 : (y+1)*w*3]
		for x := 0; x < w; x++ {
			out[x*3], out[x*3+1], out[x*3+2] = row[x*4], row[x*4+1], row[x*4+2]
		}
	}
	return nil
}
