//go:build !purego

package kernels

// gatherEvenNEON is GatherEven on blocks*4 outputs, reading 8 floats a
// block:
//
//	for i := 0; i < 4*blocks; i++ {
//		dst[i] = src[2*i]
//	}
//
//go:noescape
func gatherEvenNEON(dst, src *float32, blocks int)

func gatherEvenRowNEON(dst, src []float32) { gatherEvenBlocks(dst, src, 4, gatherEvenNEON) }
