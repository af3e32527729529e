package jpegdec

// bitReader reads entropy-coded data. Like libjpeg it stops at a marker and
// feeds zero bits from then on; pad counts those made-up bits so that a
// caller can tell when decoding consumed any of them.
type bitReader struct {
	data   []byte
	pos    int    // next unread byte of data
	acc    uint64 // unread bits, most significant first
	n      uint   // how many bits of acc are valid
	pad    uint   // how many of the low valid bits of acc are made up
	stop   bool   // reached a marker or the end of data
	hitEOF bool   // stopped at the end of data rather than at a marker
}

// fill tops acc up to at least 57 bits.
func (b *bitReader) fill() {
	for b.n <= 56 {
		var c byte
		switch {
		case b.stop:
			b.pad += 8
		case b.pos >= len(b.data):
			b.stop, b.hitEOF = true, true
			b.pad += 8
		default:
			c = b.data[b.pos]
			if c == 0xFF {
				// 0xFF 0x00 is a data byte; fill bytes 0xFF may repeat
				// before either that or a marker.
				p := b.pos + 1
				for p < len(b.data) && b.data[p] == 0xFF {
					p++
				}
				switch {
				case p >= len(b.data):
					b.stop, b.hitEOF = true, true
					b.pad += 8
					c = 0
				case b.data[p] == 0:
					b.pos = p + 1
				default:
					b.pos = p - 1 // leave the marker (its last 0xFF) unread
					b.stop = true
					b.pad += 8
					c = 0
				}
			} else {
				b.pos++
			}
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

// overrun reports whether decoding has used made-up bits.
func (b *bitReader) overrun() bool { return b.n < b.pad }

// reset drops the buffered bits, as at a restart marker or scan end.
func (b *bitReader) reset() {
	b.acc, b.n, b.pad, b.stop, b.hitEOF = 0, 0, 0, false, false
}

// bits returns the next n (1..16) bits.
func (b *bitReader) bits(n uint) int32 {
	if b.n < n {
		b.fill()
	}
	v := int32(b.acc >> (64 - n))
	b.acc <<= n
	b.n -= n
	return v
}

// bit returns the next bit.
func (b *bitReader) bit() int32 {
	if b.n < 1 {
		b.fill()
	}
	v := int32(b.acc >> 63)
	b.acc <<= 1
	b.n--
	return v
}

// extend turns the n-bit magnitude category value v into a signed value
// (the JPEG standard's EXTEND, libjpeg's HUFF_EXTEND).
func extend(v int32, n uint) int32 {
	if v < 1<<(n-1) {
		return v - (1 << n) + 1
	}
	return v
}

// receiveExtend reads an n-bit magnitude and extends it; n may be 0.
func (b *bitReader) receiveExtend(n uint) int32 {
	if n == 0 {
		return 0
	}
	return extend(b.bits(n), n)
}

// decode reads one Huffman-coded symbol; ok is false for a bit pattern
// that is no code of the table.
func (b *bitReader) decode(t *huffTable) (sym byte, ok bool) {
	if b.n < 16 {
		b.fill()
	}
	e := t.fast[b.acc>>(64-lookBits)]
	if e != 0 {
		l := uint(e >> 8)
		b.acc <<= l
		b.n -= l
		return byte(e), true
	}
	for l := uint(lookBits + 1); l <= 16; l++ {
		code := int32(b.acc >> (64 - l))
		if code <= t.maxCode[l] {
			b.acc <<= l
			b.n -= l
			return t.vals[t.valOff[l]+code], true
		}
	}
	return 0, false
}
