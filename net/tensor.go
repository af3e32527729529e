package net

// Tensor is a batch of CHW float32 images, NCHW in one slice.
type Tensor struct {
	Shape [4]int // N, C, H, W
	Data  []float32
}

// newTensor allocates an n x c x h x w tensor.
func newTensor(n, c, h, w int) Tensor {
	return Tensor{Shape: [4]int{n, c, h, w}, Data: make([]float32, n*c*h*w)}
}

// N, C, H and W are the dimensions.
func (t Tensor) N() int { return t.Shape[0] }
func (t Tensor) C() int { return t.Shape[1] }
func (t Tensor) H() int { return t.Shape[2] }
func (t Tensor) W() int { return t.Shape[3] }

// ImageSize is the element count of one CHW image.
func (t Tensor) ImageSize() int { return t.Shape[1] * t.Shape[2] * t.Shape[3] }

// Image returns image b's C x H x W elements.
func (t Tensor) Image(b int) []float32 {
	n := t.ImageSize()
	return t.Data[b*n : (b+1)*n]
}

// HeadOutput is what the heads compute on one pyramid level: raw class
// logits (batch x A*K x H x W) and box deltas (batch x A*4 x H x W), NCHW,
// before torchvision's permute to (N, H*W*A, K).
type HeadOutput struct {
	ClassLogits Tensor
	BoxDeltas   Tensor
}
