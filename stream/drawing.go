package stream

import (
	"image"
	stddraw "image/draw"
	"image/jpeg"
	"strconv"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/draw"
)

// jpegQuality is the quality of every JPEG the stream encodes (preview,
// /latest.jpg, snapshots).
var jpegQuality = jpeg.Options{Quality: 80}

// copyPicture copies img into dst, reallocating dst only when the size
// changes, and returns it.
func copyPicture(dst *image.RGBA, img image.Image) *image.RGBA {
	b := img.Bounds()
	if dst == nil || dst.Rect.Size() != b.Size() {
		dst = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	}
	if src, ok := img.(*image.RGBA); ok && src.Rect == dst.Rect && src.Stride == dst.Stride {
		copy(dst.Pix, src.Pix)
	} else {
		stddraw.Draw(dst, dst.Rect, img, b.Min, stddraw.Src)
	}
	return dst
}

// drawDetections draws dets onto dst as the preview shows them, a tracked
// object's tag with its id ("person #7 0.87"), using boxes as scratch
// (returned for reuse).
func drawDetections(dst *image.RGBA, dets []detect.Detection, boxes []draw.Box) []draw.Box {
	boxes = boxes[:0]
	for _, d := range dets {
		label := d.Label
		if d.Track > 0 {
			label += " #" + strconv.Itoa(d.Track)
		}
		boxes = append(boxes, draw.Box{X1: d.Box[0], Y1: d.Box[1], X2: d.Box[2], Y2: d.Box[3], Label: label, Score: d.Score, Class: d.Class})
	}
	draw.Draw(dst, boxes)
	return boxes
}
