//go:build !purego

package kernels

// gatherEvenAVX512 is GatherEven on blocks*16 outputs, reading 32 floats a
// block:
//
//	for i := 0; i < 16*blocks; i++ {
//		dst[i] = src[2*i]
//	}
//
//go:noescape
func gatherEvenAVX512(dst, src *float32, blocks int)

// gatherEvenAVX2 is the same loop on blocks*8 outputs, 16 floats a block.
//
//go:noescape
func gatherEvenAVX2(dst, src *float32, blocks int)

func gatherEvenRowAVX512(dst, src []float32) { gatherEvenBlocks(dst, src, 16, gatherEvenAVX512) }
func gatherEvenRowAVX2(dst, src []float32)   { gatherEvenBlocks(dst, src, 8, gatherEvenAVX2) }
