package jpegdec

import (
	"fmt"
)

// Marker codes (the byte after 0xFF).
const (
	mSOF0  = 0xC0
	mSOF1  = 0xC1
	mSOF2  = 0xC2
	mDHT   = 0xC4
	mDAC   = 0xCC
	mRST0  = 0xD0
	mRST7  = 0xD7
	mSOI   = 0xD8
	mEOI   = 0xD9
	mSOS   = 0xDA
	mDQT   = 0xDB
	mDNL   = 0xDC
	mDRI   = 0xDD
	mAPP0  = 0xE0
	mAPP14 = 0xEE
	mAPP15 = 0xEF
	mCOM   = 0xFE
	mTEM   = 0x01
)

// decoder holds the state of one decode.
type decoder struct {
	bitReader
	f              *frame
	quant          [4]*[64]uint16 // natural order
	dcTables       [4]*huffTable
	acTables       [4]*huffTable
	restart        int // restart interval in MCUs, 0 for none
	jfif, adobe    bool
	adobeTransform byte
	scans          int
	eobRun         int
	insufficient   bool // the scan's data ran into a marker (libjpeg's insufficient_data)
	maxPixels      int
	headerOnly     bool   // DecodeConfig: parse the SOF, allocate nothing
	st             *store // the memory the pointers above point into
}

// nextMarker skips to the next marker as libjpeg's next_marker does
// (ignoring stray bytes and 0xFF fill bytes) and returns its code.
func (d *decoder) nextMarker() (byte, error) {
	for {
		for d.pos < len(d.data) && d.data[d.pos] != 0xFF {
			d.pos++
		}
		for d.pos < len(d.data) && d.data[d.pos] == 0xFF {
			d.pos++
		}
		if d.pos >= len(d.data) {
			return 0, ErrTruncated
		}
		c := d.data[d.pos]
		d.pos++
		if c != 0 {
			return c, nil
		}
	}
}

// segment returns the payload of the marker segment at d.pos.
func (d *decoder) segment(marker byte) ([]byte, error) {
	if d.pos+2 > len(d.data) {
		return nil, ErrTruncated
	}
	n := int(d.data[d.pos])<<8 | int(d.data[d.pos+1])
	if n < 2 {
		return nil, FormatError(fmt.Sprintf("marker 0x%02X has length %d", marker, n))
	}
	if d.pos+n > len(d.data) {
		return nil, ErrTruncated
	}
	p := d.data[d.pos+2 : d.pos+n]
	d.pos += n
	return p, nil
}

// run decodes the whole file.
func (d *decoder) run() error {
	if len(d.data) < 2 {
		return ErrTruncated
	}
	if d.data[0] != 0xFF || d.data[1] != mSOI {
		return FormatError("missing SOI marker (not a JPEG file)")
	}
	d.pos = 2
	for {
		m, err := d.nextMarker()
		if err != nil {
			return err
		}
		switch {
		case m == mEOI:
			if d.scans == 0 {
				return FormatError("no image data before EOI")
			}
			return nil
		case m == mSOI:
			return FormatError("second SOI marker")
		case m >= mRST0 && m <= mRST7 || m == mTEM:
			// Markers without a segment; libjpeg ignores them here.
		default:
			p, err := d.segment(m)
			if err != nil {
				return err
			}
			done, err := d.handle(m, p)
			if err != nil || done {
				return err
			}
		}
	}
}

// handle processes one marker segment; done reports that the image is
// complete without needing more data (a single-scan sequential file).
func (d *decoder) handle(m byte, p []byte) (done bool, err error) {
	switch {
	case m == mSOF0 || m == mSOF1 || m == mSOF2:
		if d.f != nil {
			return false, FormatError("second SOF marker")
		}
		if err := parseSOF(&d.st.fr, &d.st.comps, p, m == mSOF2); err != nil {
			return false, err
		}
		d.f = &d.st.fr
		if d.headerOnly {
			return false, nil
		}
		return false, d.allocate()
	case m == 0xC3 || m == 0xC7 || m == 0xCB || m == 0xCF:
		return false, UnsupportedError("lossless JPEG")
	case m >= 0xC9 && m <= 0xCB || m == 0xCD || m == 0xCE:
		return false, UnsupportedError("arithmetic-coded JPEG")
	case m == 0xC5 || m == 0xC6:
		return false, UnsupportedError("hierarchical JPEG")
	case m == mDHT:
		return false, d.parseDHT(p)
	case m == mDQT:
		return false, d.parseDQT(p)
	case m == mDRI:
		if len(p) != 2 {
			return false, FormatError("DRI segment length is not 4")
		}
		d.restart = int(p[0])<<8 | int(p[1])
	case m == mAPP0:
		if len(p) >= 14 && string(p[:5]) == "JFIF\x00" {
			d.jfif = true
		}
	case m == mAPP14:
		if len(p) >= 12 && string(p[:5]) == "Adobe" {
			d.adobe, d.adobeTransform = true, p[11]
		}
	case m == mSOS:
		if d.f == nil {
			return false, FormatError("SOS marker before SOF")
		}
		return d.scan(p)
	case m == mDAC || m == mDNL || m == mCOM || m > mAPP0 && m <= mAPP15:
		// Nothing here changes the decoded pixels.
	default:
		return false, FormatError(fmt.Sprintf("unknown marker 0x%02X", m))
	}
	return false, nil
}

// parseDQT reads a DQT segment's payload.
func (d *decoder) parseDQT(p []byte) error {
	for len(p) > 0 {
		prec, slot := p[0]>>4, int(p[0]&15)
		if slot > 3 || prec > 1 {
			return FormatError(fmt.Sprintf("DQT names table %d with precision %d", slot, prec))
		}
		n := 64 * (1 + int(prec))
		if len(p) < 1+n {
			return FormatError("DQT segment too short")
		}
		q := &d.st.quant[slot]
		for k := 0; k < 64; k++ {
			if prec == 0 {
				q[zigzag[k]] = uint16(p[1+k])
			} else {
				q[zigzag[k]] = uint16(p[1+2*k])<<8 | uint16(p[2+2*k])
			}
		}
		d.quant[slot] = q
		p = p[1+n:]
	}
	return nil
}

// allocate checks the image size against the limit and then makes the
// sample planes (and, for progressive files, the coefficient arrays),
// reusing (cleared) the ones of the previous decode when they are big enough.
func (d *decoder) allocate() error {
	f := d.f
	if int64(f.width)*int64(f.height) > int64(d.maxPixels) {
		return &LimitError{f.width, f.height, d.maxPixels}
	}
	for i := range f.comps {
		c := &f.comps[i]
		c.plane = reuse(c.plane, c.gw*8*c.gh*8)
		if f.progressive {
			c.coefs = reuse(c.coefs, c.gw*c.gh*64)
		}
	}
	return nil
}

// zigzag[k] is the natural-order index of the k-th coefficient in zigzag
// order, followed (as libjpeg's jpeg_natural_order) by 16 extra entries of
// 63 so that corrupt run lengths land on the last coefficient.
var zigzag = [64 + 16]int{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
	63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
}
