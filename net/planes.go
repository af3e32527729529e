package net

// planes is one image's channels as h x w planes that need not be
// adjacent: plane c starts at data[c*stride]. The FPN levels and the head
// towers keep all five levels side by side in one row per channel, so that
// a head conv runs as one GEMM over every level.
type planes struct {
	data    []float32
	c, h, w int
	stride  int // elements from one plane to the next (>= h*w)
}

// imagePlanes is image b of t, planes adjacent.
func imagePlanes(t Tensor, b int) planes {
	return planes{data: t.Image(b), c: t.C(), h: t.H(), w: t.W(), stride: t.H() * t.W()}
}

// plane returns plane c.
func (p planes) plane(c int) []float32 { return p.data[c*p.stride : c*p.stride+p.h*p.w] }
