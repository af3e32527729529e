package stream

import (
	"bytes"
	"image"
	"image/jpeg"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/draw"
)

// snapshotter encodes a frame with its boxes drawn for the SnapshotSavers,
// into buffers reused from one snapshot to the next.
type snapshotter struct {
	pic   *image.RGBA
	boxes []draw.Box
	buf   bytes.Buffer
}

// encode returns img with dets drawn as a JPEG, valid until the next call.
func (s *snapshotter) encode(img image.Image, dets []detect.Detection) ([]byte, error) {
	s.pic = copyPicture(s.pic, img)
	s.boxes = drawDetections(s.pic, dets, s.boxes)
	s.buf.Reset()
	if err := jpeg.Encode(&s.buf, s.pic, &jpegQuality); err != nil {
		return nil, err
	}
	return s.buf.Bytes(), nil
}
