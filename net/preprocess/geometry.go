package preprocess

// Geometry records how an image became a tensor: its original size, the
// size it was resized to, and the padded tensor size (the tensor is
// 3 x PaddedH x PaddedW, the picture in its top-left ResizedW x ResizedH).
type Geometry struct {
	OrigW, OrigH       int
	ResizedW, ResizedH int
	PaddedW, PaddedH   int
}

// TensorLen is the number of floats of the tensor: 3 * PaddedH * PaddedW.
func (g Geometry) TensorLen() int { return 3 * g.PaddedH * g.PaddedW }

// ScaleBoxBack maps a box (x1, y1, x2, y2) from resized-image coordinates to
// the original image, as torchvision's resize_boxes in postprocess: the
// ratio per axis is original/resized divided in float32, then one float32
// multiply per coordinate.
func (g Geometry) ScaleBoxBack(box [4]float32) [4]float32 {
	rw := float32(g.OrigW) / float32(g.ResizedW)
	rh := float32(g.OrigH) / float32(g.ResizedH)
	return [4]float32{box[0] * rw, box[1] * rh, box[2] * rw, box[3] * rh}
}
