package jpegdec

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"io"
)

// Decode reads a JPEG file and returns its pixels as PIL's
// Image.open(...).convert("RGB") gives them under libjpeg-turbo 2.1.5, as an
// opaque *image.RGBA. An image of more than maxPixels pixels is refused
// before anything is allocated for it.
func Decode(r io.Reader, maxPixels int) (*image.RGBA, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return DecodeBytes(data, maxPixels)
}

// DecodeBytes is Decode for a file already in memory. To decode a stream
// of frames without allocating, use a Decoder.
func DecodeBytes(data []byte, maxPixels int) (*image.RGBA, error) {
	var dec Decoder
	return dec.DecodeInto(nil, data, maxPixels)
}

// DecodeConfig reads only the header of a JPEG file: its size, with the
// colour model Decode returns.
func DecodeConfig(r io.Reader) (image.Config, error) {
	br := bufio.NewReader(r)
	var b [2]byte
	if _, err := io.ReadFull(br, b[:]); err != nil {
		return image.Config{}, ErrTruncated
	}
	if b[0] != 0xFF || b[1] != mSOI {
		return image.Config{}, FormatError("missing SOI marker (not a JPEG file)")
	}
	d := &decoder{headerOnly: true, st: new(store)}
	for {
		m, err := readMarker(br)
		if err != nil {
			return image.Config{}, err
		}
		if m >= mRST0 && m <= mRST7 || m == mTEM {
			continue
		}
		if m == mSOI || m == mEOI || m == mSOS {
			return image.Config{}, FormatError(fmt.Sprintf("marker 0x%02X before SOF", m))
		}
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return image.Config{}, ErrTruncated
		}
		n := int(b[0])<<8 | int(b[1])
		if n < 2 {
			return image.Config{}, FormatError(fmt.Sprintf("marker 0x%02X has length %d", m, n))
		}
		p := make([]byte, n-2)
		if _, err := io.ReadFull(br, p); err != nil {
			return image.Config{}, ErrTruncated
		}
		if _, err := d.handle(m, p); err != nil {
			return image.Config{}, err
		}
		if d.f != nil {
			return image.Config{ColorModel: color.RGBAModel, Width: d.f.width, Height: d.f.height}, nil
		}
	}
}

// readMarker skips stray and fill bytes to the next marker code.
func readMarker(br *bufio.Reader) (byte, error) {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, ErrTruncated
		}
		if c != 0xFF {
			continue
		}
		for c == 0xFF {
			if c, err = br.ReadByte(); err != nil {
				return 0, ErrTruncated
			}
		}
		if c != 0 {
			return c, nil
		}
	}
}

// progressiveIDCT turns the finished coefficient arrays into planes.
func (d *decoder) progressiveIDCT() {
	smooth := d.smoothingOK()
	for i := range d.f.comps {
		c := &d.f.comps[i]
		if smooth {
			d.smoothIDCT(c)
			continue
		}
		stride := c.gw * 8
		q := c.quant
		if q == nil {
			// Never in a scan: all coefficients are zero, and the
			// table does not matter.
			q = &zeroQuant
		}
		for by := 0; by < c.bh; by++ {
			for bx := 0; bx < c.bw; bx++ {
				blk := (*[64]int16)(c.coefs[(by*c.gw+bx)*64:])
				idct(blk, q, c.plane[by*8*stride+bx*8:], stride)
			}
		}
	}
}

// zeroQuant stands in for the table of a component no scan coded.
var zeroQuant [64]uint16

// toRGBA upsamples the planes and converts them to RGB, into dst when it
// is an image of exactly the frame's size and into a new image otherwise.
func (d *decoder) toRGBA(dst *image.RGBA) (*image.RGBA, error) {
	f := d.f
	ups := d.st.ups[:len(f.comps)]
	for i := range f.comps {
		if err := ups[i].init(f, &f.comps[i]); err != nil {
			return nil, err
		}
	}
	img := dst
	if r := image.Rect(0, 0, f.width, f.height); img == nil || img.Rect != r || img.Stride != 4*f.width || len(img.Pix) < 4*f.width*f.height {
		img = image.NewRGBA(r)
	}
	space := f.space(d.jfif, d.adobe, d.adobeTransform)
	var tmp []byte
	if space == spaceYCCK {
		d.st.tmp = reuse(d.st.tmp, 3*f.width)
		tmp = d.st.tmp
	}
	for y := 0; y < f.height; y++ {
		out := img.Pix[y*img.Stride : y*img.Stride+4*f.width]
		switch space {
		case spaceGray:
			grayRow(out, ups[0].row(y))
		case spaceYCbCr:
			yccRow(out, ups[0].row(y), ups[1].row(y), ups[2].row(y))
		case spaceRGB:
			rgbRow(out, ups[0].row(y), ups[1].row(y), ups[2].row(y))
		case spaceCMYK:
			cmykRow(out, ups[0].row(y), ups[1].row(y), ups[2].row(y), ups[3].row(y))
		case spaceYCCK:
			ycckRow(out, ups[0].row(y), ups[1].row(y), ups[2].row(y), ups[3].row(y), tmp)
		}
	}
	return img, nil
}
