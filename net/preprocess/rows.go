package preprocess

import (
	"image"
	"image/color"
)

// rowReader copies one row of an image into three 8-bit planes (R, G, B)
// without going through image.At, which boxes a color per pixel. Types
// without a fast path are converted once into an NRGBA buffer.
type rowReader struct {
	ycc   *image.YCbCr
	rgba  *image.RGBA
	nrgba *image.NRGBA
	gray  *image.Gray
	cmyk  *image.CMYK
	// hdiv, vdiv are the chroma subsampling factors of ycc.
	hdiv, vdiv int
	// converted is the reused buffer for images without a fast path.
	converted *image.NRGBA
}

// reset points the reader at img, converting it first when needed.
func (r *rowReader) reset(img image.Image) {
	r.ycc, r.rgba, r.nrgba, r.gray, r.cmyk = nil, nil, nil, nil, nil
	switch m := img.(type) {
	case *image.YCbCr:
		r.ycc = m
		r.hdiv, r.vdiv = chromaDivisors(m.SubsampleRatio)
		if r.hdiv == 0 {
			r.convert(img)
		}
	case *image.RGBA:
		r.rgba = m
	case *image.NRGBA:
		r.nrgba = m
	case *image.Gray:
		r.gray = m
	case *image.CMYK:
		r.cmyk = m
	default:
		r.convert(img)
	}
}

// chromaDivisors returns how many luma pixels share a chroma sample across
// and down, or 0, 0 for a ratio this reader does not know.
func chromaDivisors(s image.YCbCrSubsampleRatio) (h, v int) {
	switch s {
	case image.YCbCrSubsampleRatio444:
		return 1, 1
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 0, 0
}

// convert copies any image into the reader's NRGBA buffer (straight,
// non-premultiplied RGB, as PIL's convert("RGB") keeps it).
func (r *rowReader) convert(img image.Image) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if r.converted == nil || cap(r.converted.Pix) < 4*w*h {
		r.converted = image.NewNRGBA(image.Rect(0, 0, w, h))
	} else {
		r.converted.Pix = r.converted.Pix[:4*w*h]
		r.converted.Stride = 4 * w
		r.converted.Rect = image.Rect(0, 0, w, h)
	}
	pix := r.converted.Pix
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			pix[i], pix[i+1], pix[i+2], pix[i+3] = c.R, c.G, c.B, c.A
			i += 4
		}
	}
	r.ycc = nil
	r.nrgba = r.converted
}

// read fills rp, gp, bp (the image's width each) with row y, counted from
// the top of the image's bounds.
func (r *rowReader) read(y int, rp, gp, bp []uint8) {
	switch {
	case r.ycc != nil:
		readYCbCr(r.ycc, y, r.hdiv, r.vdiv, rp, gp, bp)
	case r.rgba != nil:
		readPremultiplied(r.rgba.Pix[y*r.rgba.Stride:], rp, gp, bp)
	case r.nrgba != nil:
		pix := r.nrgba.Pix[y*r.nrgba.Stride:]
		for x := range rp {
			rp[x], gp[x], bp[x] = pix[4*x], pix[4*x+1], pix[4*x+2]
		}
	case r.gray != nil:
		pix := r.gray.Pix[y*r.gray.Stride:]
		copy(rp, pix[:len(rp)])
		copy(gp, pix[:len(rp)])
		copy(bp, pix[:len(rp)])
	case r.cmyk != nil:
		pix := r.cmyk.Pix[y*r.cmyk.Stride:]
		for x := range rp {
			rp[x], gp[x], bp[x] = color.CMYKToRGB(pix[4*x], pix[4*x+1], pix[4*x+2], pix[4*x+3])
		}
	}
}

// readPremultiplied reads RGBA (alpha-premultiplied) pixels as straight RGB;
// opaque pixels, the only kind Go's PNG decoder returns as *image.RGBA,
// are copied as they are.
func readPremultiplied(pix, rp, gp, bp []uint8) {
	for x := range rp {
		p := pix[4*x : 4*x+4 : 4*x+4]
		a := uint32(p[3])
		switch a {
		case 0xff:
			rp[x], gp[x], bp[x] = p[0], p[1], p[2]
		case 0:
			rp[x], gp[x], bp[x] = 0, 0, 0
		default:
			rp[x] = unpremultiply(p[0], a)
			gp[x] = unpremultiply(p[1], a)
			bp[x] = unpremultiply(p[2], a)
		}
	}
}

// unpremultiply divides out alpha as color.NRGBAModel does on the 16-bit
// values, clamping malformed values above alpha.
func unpremultiply(c uint8, a uint32) uint8 {
	return uint8(min(uint32(c)*0xffff/a>>8, 0xff))
}

// readYCbCr converts row y of m as image.YCbCr.At does (COffset for the
// chroma sample, color.YCbCrToRGB for the arithmetic), without a call or a
// division per pixel.
func readYCbCr(m *image.YCbCr, y, hdiv, vdiv int, rp, gp, bp []uint8) {
	py := m.Rect.Min.Y + y
	yrow := m.Y[y*m.YStride:][:len(rp)]
	crow := (py/vdiv - m.Rect.Min.Y/vdiv) * m.CStride
	minX := m.Rect.Min.X
	if minX < 0 {
		// COffset divides truncating toward zero: keep its divisions.
		for x := range rp {
			ci := crow + (minX+x)/hdiv - minX/hdiv
			rp[x], gp[x], bp[x] = color.YCbCrToRGB(yrow[x], m.Cb[ci], m.Cr[ci])
		}
		return
	}
	shift := uint(hdiv >> 1) // 1, 2, 4 -> 0, 1, 2
	c0 := minX >> shift
	cb, cr := m.Cb[crow:], m.Cr[crow:]
	for x := range rp {
		ci := (minX+x)>>shift - c0
		yy := int32(yrow[x]) * 0x10101
		cb1, cr1 := int32(cb[ci])-128, int32(cr[ci])-128
		rp[x] = clampYCbCr(yy + 91881*cr1)
		gp[x] = clampYCbCr(yy - 22554*cb1 - 46802*cr1)
		bp[x] = clampYCbCr(yy + 116130*cb1)
	}
}

// clampYCbCr is color.YCbCrToRGB's final step: v/65536 clamped to 0..255.
func clampYCbCr(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	return uint8(^(v >> 31))
}
