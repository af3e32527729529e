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

// wino8InputAVX512 transforms the 6x6 windows of 16 tiles in channels c0
// and c1 (padded planes: no window leaves them) and stores each point's
// 16 dwords of paired int16 (c0 low) at v + point*ptStride bytes:
//
//	for pt, j := range 36 x 16 {
//		v[pt*ptStride/2+2j], v[pt*ptStride/2+2j+1] = wino8Input(window j of c0)[pt], ...(c1)
//	}
//
// where window j's row r is the six bytes at offs[r*16+j]; scratch holds
// 36*16 int32.
//
//go:noescape
func wino8InputAVX512(v *int16, ptStride int, c0, c1 *int8, offs *int32, scratch *int32)

// wino8OutputAVX512 is wino8Output on 16 tiles: tile j's 36 points' sums
// are m[pt*ptStride/4+j], its 4x4 direct sums go to y[16j:16j+16].
//
//go:noescape
func wino8OutputAVX512(y *int32, m *int32, ptStride int)

// wino8OutputQAVX512 is wino8OutputAVX512 followed by the requantization
// of the 16 tiles' sums with one row's constants, the bytes left in q by
// row of the tiles (q[r*64+t*4+c] is row r, column c of tile t) and the
// rows of the tiles in mask stored at dst + offs[t] + r*widths[t]:
//
//	wino8OutputAVX512(&y[0], m, ptStride)
//	requantRowGo(b[:256], y[:256], rp, rqClamp{lo, hi, zero})
//	q[r*64+t*4+c] = b[t*16+r*4+c]
//	dst[offs[t]+r*widths[t]+c] = q[r*64+t*4+c] for t in mask
//
// rp's multiplier must not be MinInt32 (requantAVX512's limit).
//
//go:noescape
func wino8OutputQAVX512(q *int8, m *int32, ptStride int, rp *rqRow, lo, hi, zero int32, dst *int8, offs, widths *int32, mask uint16)

// wino8OutputQLanesAVX512 is wino8OutputQAVX512 with each tile's own
// constants: lane t of every array of rl is tile t's (the tiles of a
// group may lie in different images, each with its requantization):
//
//	wino8OutputAVX512(&y[0], m, ptStride)
//	for t, r, c := range 16 x 4 x 4 {
//		rp := rqRow{add: rl.add[t], mult: rl.mult[t], left: rl.left[t], right: rl.right[t], mask: rl.mask[t], half: rl.half[t]}
//		requantRowGo(b[t*16+r*4+c:][:1], y[t*16+r*4+c:][:1], &rp, rqClamp{rl.lo[t], rl.hi[t], rl.zero[t]})
//		q[r*64+t*4+c] = b[t*16+r*4+c]
//	}
//	dst[offs[t]+r*widths[t]+c] = q[r*64+t*4+c] for t in mask
//
// No lane's multiplier may be MinInt32.
//
//go:noescape
func wino8OutputQLanesAVX512(q *int8, m *int32, ptStride int, rl *rqLanes, dst *int8, offs, widths *int32, mask uint16)

// wino8PlaceFAVX512 dequantizes and places the whole tiles among 16
// tiles of direct sums (tile l's 4x4, row-major, at acc[16l:]), those
// whose bit l is set in mask:
//
//	for r, c := range 4 x 4 {
//		dst[offs[l]+r*widths[l]+c] = float32(acc[16l+4r+c]+add) * scale
//	}
//
//go:noescape
func wino8PlaceFAVX512(dst *float32, acc *int32, add int32, scale float32, offs, widths *int32, mask uint16)

// wino8WeightsAVX512 is wino8WeightsGo on vecs*32 lanes (ptStride in
// bytes): tap k of lane l at raw[wino8Tap(l, k)], point p to u +
// p*ptStride bytes + 2l.
//
//go:noescape
func wino8WeightsAVX512(u *int16, raw *int8, vecs, ptStride int)
