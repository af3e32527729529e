package boxes

// Box is an axis-aligned box in pixels: x1, y1, x2, y2 (torchvision's xyxy).
type Box [4]float32

// Detection is one postprocessed detection: the box in the resized image's
// coordinates, its sigmoid score and its class (logit index).
type Detection struct {
	Box   Box
	Score float32
	Class int
}

// Width is x2 - x1 (no +1, as torchvision).
func (b Box) Width() float32 { return b[2] - b[0] }

// Height is y2 - y1.
func (b Box) Height() float32 { return b[3] - b[1] }

// Area is (x2-x1)*(y2-y1), rounded once per step like torch's box_area
// (the outer conversion keeps an inlined caller from fusing the product
// into an FMA with a following add, as arm64 would).
func (b Box) Area() float32 { return float32(float32(b[2]-b[0]) * float32(b[3]-b[1])) }

// ClipToImage clamps x to [0, w] and y to [0, h] like
// torchvision.ops.clip_boxes_to_image (NaN stays NaN, as torch.clamp).
func ClipToImage(b Box, w, h int) Box {
	fw, fh := float32(w), float32(h)
	return Box{clamp(b[0], fw), clamp(b[1], fh), clamp(b[2], fw), clamp(b[3], fh)}
}

func clamp(v, hi float32) float32 {
	if v < 0 {
		return 0
	}
	if v > hi {
		return hi
	}
	return v
}

// IoU is box_iou of one pair: inter / (area(a) + area(b) - inter), with the
// intersection's sides clamped at 0. Degenerate pairs (zero union) give NaN
// as in torch.
func IoU(a, b Box) float32 {
	inter := intersection(a, b)
	return inter / float32(float32(a.Area()+b.Area())-inter)
}

// intersection is the overlap area with the operations of torchvision's CPU
// nms kernel: std::max/std::min on the corners, sides clamped at 0.
func intersection(a, b Box) float32 {
	w := cppMax(0, float32(cppMin(a[2], b[2])-cppMax(a[0], b[0])))
	h := cppMax(0, float32(cppMin(a[3], b[3])-cppMax(a[1], b[1])))
	return float32(w * h)
}

// cppMax is std::max(a, b): (a < b) ? b : a, whose NaN behaviour differs
// from math.Max.
func cppMax(a, b float32) float32 {
	if a < b {
		return b
	}
	return a
}

// cppMin is std::min(a, b): (b < a) ? b : a.
func cppMin(a, b float32) float32 {
	if b < a {
		return b
	}
	return a
}

// ResizeBox scales a box from a (fromW x fromH) image to a (toW x toH) one
// like torchvision's transform.resize_boxes: per-axis ratio to/from in
// float32, then one multiply per coordinate. RetinaNet's transform calls it
// with from = resized size and to = original size.
func ResizeBox(b Box, fromW, fromH, toW, toH int) Box {
	rw := float32(toW) / float32(fromW)
	rh := float32(toH) / float32(fromH)
	return Box{b[0] * rw, b[1] * rh, b[2] * rw, b[3] * rh}
}
