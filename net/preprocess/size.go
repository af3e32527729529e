package preprocess

import "math"

// SizeDivisible is torchvision's size_divisible: the padded tensor's sides
// are multiples of it.
const SizeDivisible = 32

// resizeScale is torchvision's scale: torch.min of two float32 tensors,
// min_size / short and max_size / long. The division is Tensor.__rtruediv__,
// which PyTorch implements as reciprocal(t) * scalar, so it is computed that
// way here (a plain float32 division differs in about a quarter of sizes).
func resizeScale(w, h, minSize, maxSize int) float32 {
	short, long := min(w, h), max(w, h)
	a := float32(float32(1)/float32(short)) * float32(minSize)
	b := float32(float32(1)/float32(long)) * float32(maxSize)
	return min(float32(a), float32(b))
}

// ResizedSize is the size torchvision resizes a w x h image to: the scale
// (float32, see resizeScale) goes through .item() to a double, and
// interpolate computes floor(double(side) * scale). It returns 0, 0 for a
// non-positive size or limit.
func ResizedSize(w, h, minSize, maxSize int) (rw, rh int) {
	if w <= 0 || h <= 0 || minSize <= 0 || maxSize <= 0 {
		return 0, 0
	}
	s := float64(resizeScale(w, h, minSize, maxSize))
	return int(math.Floor(float64(w) * s)), int(math.Floor(float64(h) * s))
}

// PaddedSize rounds a resized size up to multiples of SizeDivisible, as
// torchvision's batch_images does for a batch of one.
func PaddedSize(rw, rh int) (pw, ph int) {
	return roundUp(rw), roundUp(rh)
}

func roundUp(n int) int {
	return (n + SizeDivisible - 1) / SizeDivisible * SizeDivisible
}
