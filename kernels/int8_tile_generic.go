package kernels

import "unsafe"

// int8TileGeneric is the generic tier's 4x4 int8 micro-kernel: int32 sums
// of int8 products, in the packed layouts of pack8.go.
func int8TileGeneric(groups int, a, b *int8, c *int32, ldc int) {
	as := unsafe.Slice(a, groups*16)
	bs := unsafe.Slice(b, groups*16)
	var acc [4][4]int32
	for g := 0; g+16 <= len(as) && g+16 <= len(bs); g += 16 {
		ap, bp := as[g:g+16:g+16], bs[g:g+16:g+16]
		for r := 0; r < 4; r++ {
			a0, a1, a2, a3 := int32(ap[r*4]), int32(ap[r*4+1]), int32(ap[r*4+2]), int32(ap[r*4+3])
			for j := 0; j < 4; j++ {
				acc[r][j] += a0*int32(bp[j*4]) + a1*int32(bp[j*4+1]) + a2*int32(bp[j*4+2]) + a3*int32(bp[j*4+3])
			}
		}
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	for r := range acc {
		copy(cs[r*ldc:r*ldc+4], acc[r][:])
	}
}
