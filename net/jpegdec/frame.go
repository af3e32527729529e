package jpegdec

import "fmt"

// maxDimension is libjpeg's JPEG_MAX_DIMENSION.
const maxDimension = 65500

// colorSpace is the colour space of the coded components, chosen by the rules
// of libjpeg's default_decompress_parms.
type colorSpace int

const (
	spaceGray colorSpace = iota
	spaceYCbCr
	spaceRGB
	spaceCMYK
	spaceYCCK
)

// component is one coded component of the frame.
type component struct {
	id     byte
	h, v   int // sampling factors
	tq     int // quantisation table selector
	dw, dh int // downsampled size: ceil(width*h/hmax) x ceil(height*v/vmax)
	bw, bh int // blocks covering dw x dh (a non-interleaved scan's grid)
	gw, gh int // blocks of the MCU-padded grid (an interleaved scan's grid)

	quant    *[64]uint16 // latched at the component's first scan, natural order: &quantBuf
	quantBuf [64]uint16
	coefs    []int16 // progressive only: gw*gh blocks of 64 natural-order coefficients
	plane    []byte  // samples, gw*8 wide and gh*8 tall
	dcPred   int32
	dcTbl    int
	acTbl    int
	scanned  bool
	// coefBits is libjpeg's coef_bits: the Al of the last scan that coded
	// each coefficient, -1 before any.
	coefBits [64]int
}

// frame is what the SOF marker says.
type frame struct {
	width, height int
	progressive   bool
	comps         []component
	hmax, vmax    int
	mcusX, mcusY  int
}

// parseSOF reads an SOF segment's payload (after the length) into f, whose
// components are placed in comps; their planes and coefficient arrays are
// kept for allocate to reuse.
func parseSOF(f *frame, comps *[4]component, p []byte, progressive bool) error {
	if len(p) < 6 {
		return FormatError("SOF segment too short")
	}
	if p[0] != 8 {
		return UnsupportedError(fmt.Sprintf("%d-bit samples (only 8-bit JPEG is decoded)", p[0]))
	}
	*f = frame{
		height:      int(p[1])<<8 | int(p[2]),
		width:       int(p[3])<<8 | int(p[4]),
		progressive: progressive,
	}
	n := int(p[5])
	if f.height == 0 {
		return UnsupportedError("image height 0 (height given by a DNL marker)")
	}
	if f.width == 0 {
		return FormatError("image width is 0")
	}
	if f.width > maxDimension || f.height > maxDimension {
		return FormatError(fmt.Sprintf("image is %dx%d, more than %d on a side", f.width, f.height, maxDimension))
	}
	if n != 1 && n != 3 && n != 4 {
		return UnsupportedError(fmt.Sprintf("%d components (only 1, 3 or 4)", n))
	}
	if len(p) != 6+3*n {
		return FormatError("SOF segment length does not match its component count")
	}
	f.comps = comps[:n]
	for i := range f.comps {
		c := &f.comps[i]
		*c = component{plane: c.plane, coefs: c.coefs}
		q := p[6+3*i:]
		c.id = q[0]
		c.h, c.v = int(q[1]>>4), int(q[1]&15)
		c.tq = int(q[2])
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return FormatError(fmt.Sprintf("component %d has sampling factors %dx%d", i, c.h, c.v))
		}
		if c.tq > 3 {
			return FormatError(fmt.Sprintf("component %d uses quantisation table %d", i, c.tq))
		}
		for j := 0; j < i; j++ {
			if f.comps[j].id == c.id {
				return FormatError(fmt.Sprintf("component id %d appears twice", c.id))
			}
		}
		f.hmax = max(f.hmax, c.h)
		f.vmax = max(f.vmax, c.v)
	}
	f.mcusX = ceilDiv(f.width, 8*f.hmax)
	f.mcusY = ceilDiv(f.height, 8*f.vmax)
	for i := range f.comps {
		c := &f.comps[i]
		c.dw = ceilDiv(f.width*c.h, f.hmax)
		c.dh = ceilDiv(f.height*c.v, f.vmax)
		c.bw = ceilDiv(c.dw, 8)
		c.bh = ceilDiv(c.dh, 8)
		c.gw = f.mcusX * c.h
		c.gh = f.mcusY * c.v
		for k := range c.coefBits {
			c.coefBits[k] = -1
		}
	}
	return nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// space picks the coded colour space as libjpeg does: JFIF means YCbCr, an
// Adobe marker's transform flag decides next, then the component ids.
func (f *frame) space(jfif, adobe bool, transform byte) colorSpace {
	switch len(f.comps) {
	case 1:
		return spaceGray
	case 3:
		switch {
		case jfif:
			return spaceYCbCr
		case adobe:
			if transform == 0 {
				return spaceRGB
			}
			return spaceYCbCr
		case f.comps[0].id == 'R' && f.comps[1].id == 'G' && f.comps[2].id == 'B':
			return spaceRGB
		}
		return spaceYCbCr
	default:
		if adobe && transform != 0 {
			return spaceYCCK
		}
		return spaceCMYK
	}
}
