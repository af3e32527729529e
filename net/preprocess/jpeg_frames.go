package preprocess

import (
	"errors"
	"fmt"
	"image"

	"github.com/retina-edge/retina/net/jpegdec"
)

// JPEGFrames decodes a stream of JPEG frames (Motion-JPEG) to the pixels
// DecodeBytes gives them, reusing one jpegdec.Decoder: once it has seen a
// frame of a given size, decoding another into a buffer of that size
// allocates nothing. The zero value is ready; it is not safe for concurrent
// use.
type JPEGFrames struct {
	dec jpegdec.Decoder
}

// DecodeInto decodes the JPEG data into dst when dst is an image of exactly
// the frame's size, and into a new image otherwise (dst may be nil); it
// returns the image written. Errors name name and say what DecodeBytes
// would; on error dst is unchanged.
func (j *JPEGFrames) DecodeInto(name string, dst *image.RGBA, data []byte, maxPixels int) (*image.RGBA, error) {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, fmt.Errorf("%s: %w", name, ErrNotImage)
	}
	img, err := j.dec.DecodeInto(dst, data, maxPixels)
	if err == nil {
		return img, nil
	}
	var le *jpegdec.LimitError
	if errors.As(err, &le) {
		err = fmt.Errorf("JPEG image is %dx%d, more than the limit of %d pixels", le.Width, le.Height, le.Limit)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return nil, fmt.Errorf("%s: %w", name, describeJPEG(err))
}
