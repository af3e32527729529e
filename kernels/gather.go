package kernels

import "fmt"

// GatherEven sets dst[i] = src[2*i] for every i < len(dst): a stride-2
// im2col row. src must hold at least 2*len(dst)-1 floats; nothing past
// src[2*len(dst)-2] is read that could fault (the vector tiers read whole
// vectors only where they lie inside src).
func (im *Impl) GatherEven(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	if len(src) < 2*len(dst)-1 {
		panic(fmt.Sprintf("kernels: GatherEven: %d source floats for %d outputs, want %d", len(src), len(dst), 2*len(dst)-1))
	}
	im.gatherEven(dst, src)
}

// gatherEvenGeneric is the reference.
func gatherEvenGeneric(dst, src []float32) {
	src = src[:2*len(dst)-1]
	for i := range dst {
		dst[i] = src[2*i]
	}
}

// gatherEvenBlocks runs a tier's kernel on whole blocks of n outputs that
// read 2n floats from src, and the reference on the rest.
func gatherEvenBlocks(dst, src []float32, n int, kernel func(dst, src *float32, blocks int)) {
	blocks := len(src) / (2 * n) // whole vector reads inside src
	blocks = min(blocks, len(dst)/n)
	if blocks > 0 {
		kernel(&dst[0], &src[0], blocks)
	}
	if done := blocks * n; done < len(dst) {
		gatherEvenGeneric(dst[done:], src[2*done:])
	}
}
