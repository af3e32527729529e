//go:build !purego

package kernels

// int16Tile6x64VNNI computes a 6x64 int32 tile from int16 panels in
// int8Tile6x64VNNI's layout, a dword holding two k values instead of four
// (VPDPWSSD; the sums wrap modulo 2^32):
//
//	for i := 0; i < 6; i++ {
//		for j := 0; j < 64; j++ {
//			var s int32
//			for g := 0; g < groups; g++ {
//				for t := 0; t < 2; t++ {
//					s += int32(a[g*12+i*2+t]) * int32(b[g*128+j*2+t])
//				}
//			}
//			c[i*ldc+j] = s
//		}
//	}
//
//go:noescape
func int16Tile6x64VNNI(groups int, a, b *int16, c *int32, ldc int)

// int16Tile6x16VNNI, int16Tile6x32VNNI and int16Tile6x48VNNI are
// int16Tile6x64VNNI for the first 16, 32 and 48 columns of the same
// 64-wide panels.
//
//go:noescape
func int16Tile6x16VNNI(groups int, a, b *int16, c *int32, ldc int)

//go:noescape
func int16Tile6x32VNNI(groups int, a, b *int16, c *int32, ldc int)

//go:noescape
func int16Tile6x48VNNI(groups int, a, b *int16, c *int32, ldc int)
