package jpegdec

import "image"

// Decoder decodes a stream of JPEG files (such as Motion-JPEG frames) into
// the same pixels as DecodeBytes, keeping its sample planes, coefficient
// arrays, tables and output image from one call to the next: once it has
// seen a frame of a given size and layout, decoding another allocates
// nothing. The zero value is ready to use; a Decoder must not be copied
// after first use, nor used by two goroutines at once.
type Decoder struct {
	d   decoder
	st  store
	img *image.RGBA // DecodeBytes's output
}

// store is the memory a decoder's frame, tables and scans live in.
type store struct {
	fr      frame
	comps   [4]component
	quant   [4][64]uint16 // DQT tables, natural order
	dc, ac  [4]huffTable  // DHT tables
	sh      scanHeader
	shComps [4]*component
	ups     [4]upsampler
	tmp     []byte // YCCK conversion row
}

// DecodeBytes decodes data into the Decoder's own image and returns it.
// The image is valid only until the next call of DecodeBytes, which
// overwrites it (or replaces it, when the size changes); copy it, or use
// DecodeInto with buffers of your own, to keep it longer.
func (dec *Decoder) DecodeBytes(data []byte, maxPixels int) (*image.RGBA, error) {
	img, err := dec.DecodeInto(dec.img, data, maxPixels)
	if err != nil {
		return nil, err
	}
	dec.img = img
	return img, nil
}

// DecodeInto decodes data into dst when dst is an image of exactly the
// file's size (Rect from (0,0), Stride 4*width), and into a new image
// otherwise (dst may be nil); it returns the image written. An image of
// more than maxPixels pixels is refused before anything is allocated for
// it. Nothing is written into dst before the whole file has decoded, so
// on error dst is unchanged.
func (dec *Decoder) DecodeInto(dst *image.RGBA, data []byte, maxPixels int) (*image.RGBA, error) {
	d := &dec.d
	*d = decoder{maxPixels: maxPixels, st: &dec.st}
	d.data = data
	if err := d.run(); err != nil {
		return nil, err
	}
	if d.f.progressive {
		d.progressiveIDCT()
	}
	return d.toRGBA(dst)
}

// reuse returns b resized to n zeroed elements, allocating only when its
// capacity is too small; zeroing keeps a reused buffer's decode identical to
// a fresh one's.
func reuse[T byte | int16](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}
