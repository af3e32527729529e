//go:build !purego

package kernels

//go:generate go run asmgen_amd64.go

// avx2Tier runs the 6x16 AVX2+FMA micro-kernel: 12 YMM accumulators, 2 B
// vectors and 2 broadcast registers fill all 16. KC = 256 keeps the 16 KB B
// panel in L1 and MC = 144 rows of A (144 KB) in L2; of KC 128/256/512 and
// MC 72/144/288 this measured fastest on a Zen 5 core.
var avx2Tier = &Impl{
	Name: "avx2",
	MR:   6, NR: 16,
	KC: 256, MC: 144, NC: 2048,
	sgemmTile: sgemm6x16AVX2,
	sgemmEdge: sgemmEdgeAVX2,

	sgemmEdgePair: sgemmEdgePairAVX2,
	edgePairCols:  8,

	sigmoid: sigmoidAVX2,

	winogradInput:  winogradInputRowAVX2,
	winogradOutput: winogradOutputRowAVX2,

	winograd4Input:  winograd4InputRowAVX2,
	winograd4Output: winograd4OutputRowAVX2,
	gatherEven:      gatherEvenRowAVX2,

	packARows:    packARowsAmd64,
	packBPanels:  packBPanelsVector,
	prefetchRows: prefetchRowsAmd64,
	packBEdge:    packBEdgeVector,
	epilogueRows: epilogueRowsVector,

	winoWeights4: winoWeights4RowsAVX2,
	winoWeights2: winoWeights2RowsAVX2,
}

// avx512Tier runs the 6x64 AVX-512F micro-kernel: 24 ZMM accumulators, 4
// B vectors and 6 broadcasts per k step (10 loads per 12 cycles of FMAs).
// Measured against 14x32, 12x32, 8x48 and 4x96 on a Zen 5 core, 6x64 was
// fastest and wastes the least on edge tiles of the network's layers (M a
// multiple of 6 or close above, N a multiple of 64). KC = 128 keeps the
// 32 KB B panel in L1; MC covers 330 rows of A (165 KB in L2).
var avx512Tier = &Impl{
	Name: "avx512",
	MR:   6, NR: 64,
	KC: 128, MC: 330, NC: 2048,
	sgemmTile: sgemm6x64AVX512,
	sgemmEdge: sgemmEdgeAVX512,

	sgemmEdgePair: sgemmEdgePairAVX512,
	edgePairCols:  16,

	sigmoid: sigmoidAVX512,

	winogradInput:  winogradInputRowAVX512,
	winogradOutput: winogradOutputRowAVX512,

	winograd4Input:  winograd4InputRowAVX512,
	winograd4Output: winograd4OutputRowAVX512,
	gatherEven:      gatherEvenRowAVX512,

	packARows:    packARowsAmd64,
	packBPanels:  packBPanelsVector,
	prefetchRows: prefetchRowsAmd64,
	packBEdge:    packBEdgeVector,
	epilogueRows: epilogueRowsVector,

	winoWeights4: winoWeights4RowsAVX512,
	winoWeights2: winoWeights2RowsAVX512,
}

// sgemm6x16AVX2 computes a 6x16 tile of C from packed panels:
//
//	for i := 0; i < 6; i++ {
//		for j := 0; j < 16; j++ {
//			var s float32
//			for p := 0; p < kc; p++ {
//				s += a[p*6+i] * b[p*16+j] // fused multiply-add
//			}
//			if accumulate != 0 {
//				c[i*ldc+j] += s
//			} else {
//				c[i*ldc+j] = s
//			}
//		}
//	}
//
//go:noescape
func sgemm6x16AVX2(kc int, a, b, c *float32, ldc int, accumulate int)

// sgemm6x64AVX512 computes a 6x64 tile of C from packed panels:
//
//	for i := 0; i < 6; i++ {
//		for j := 0; j < 64; j++ {
//			var s float32
//			for p := 0; p < kc; p++ {
//				s += a[p*6+i] * b[p*64+j] // fused multiply-add
//			}
//			if accumulate != 0 {
//				c[i*ldc+j] += s
//			} else {
//				c[i*ldc+j] = s
//			}
//		}
//	}
//
//go:noescape
func sgemm6x64AVX512(kc int, a, b, c *float32, ldc int, accumulate int)

// sgemmEdgeAVX512 runs the narrowest AVX-512 edge kernel that covers cols
// columns of a 64-wide panel (16, 32, 48 or 64), its last vector masked to
// the columns that remain, so the 11 columns left of 139 cost a sixth of a
// full tile's multiply-adds and no scratch copy.
func sgemmEdgeAVX512(kc int, a, b, c *float32, ldc int, accumulate int, rows, cols int) {
	mask := 1<<((cols-1)%16+1) - 1
	switch (cols - 1) / 16 {
	case 0:
		sgemm6x16EdgeAVX512(kc, a, b, c, ldc, accumulate, rows, mask)
	case 1:
		sgemm6x32EdgeAVX512(kc, a, b, c, ldc, accumulate, rows, mask)
	case 2:
		sgemm6x48EdgeAVX512(kc, a, b, c, ldc, accumulate, rows, mask)
	default:
		sgemm6x64EdgeAVX512(kc, a, b, c, ldc, accumulate, rows, mask)
	}
}

// sgemmEdgePairAVX512 runs the 12x16 AVX-512 edge kernel on cols <= 16
// columns.
func sgemmEdgePairAVX512(kc int, a, a1, b, c *float32, ldc int, accumulate int, rows, cols int) {
	sgemm12x16EdgeAVX512(kc, a, a1, b, c, ldc, accumulate, rows, 1<<cols-1)
}

// sgemm12x16EdgeAVX512 is sgemm6x16EdgeAVX512 on two A panels at once (a
// for rows 0..5, a1 for rows 6..11; rows > 6): 12 accumulators hide the FMA
// latency that 6 leave exposed, and each B vector load serves 12 rows.
//
//go:noescape
func sgemm12x16EdgeAVX512(kc int, a, a1, b, c *float32, ldc int, accumulate int, rows int, mask int)

// sgemm6x16EdgeAVX512, sgemm6x32EdgeAVX512, sgemm6x48EdgeAVX512 and
// sgemm6x64EdgeAVX512 are sgemm6x64AVX512 on the first 16, 32, 48 or 64
// columns of its 64-wide B panel, storing rows 0..rows-1 of C (rows >= 1)
// and, of the last 16 columns, those set in mask:
//
//	for i := 0; i < rows; i++ {
//		for j := 0; j < width; j++ {
//			if j >= width-16 && mask&(1<<(j-width+16)) == 0 {
//				continue
//			}
//			var s float32
//			for p := 0; p < kc; p++ {
//				s += a[p*6+i] * b[p*64+j] // fused multiply-add
//			}
//			if accumulate != 0 {
//				c[i*ldc+j] += s
//			} else {
//				c[i*ldc+j] = s
//			}
//		}
//	}
//
//go:noescape
func sgemm6x16EdgeAVX512(kc int, a, b, c *float32, ldc int, accumulate int, rows int, mask int)

//go:noescape
func sgemm6x32EdgeAVX512(kc int, a, b, c *float32, ldc int, accumulate int, rows int, mask int)

//go:noescape
func sgemm6x48EdgeAVX512(kc int, a, b, c *float32, ldc int, accumulate int, rows int, mask int)

//go:noescape
func sgemm6x64EdgeAVX512(kc int, a, b, c *float32, ldc int, accumulate int, rows int, mask int)

// avx2EdgeMasks holds the VMASKMOVPS masks of the amd64 edge code (the
// AVX2 edge kernels, the partial B panel packer, the epilogue): the 8
// int32s at avx2EdgeMasks[8-r:] select the first r lanes of a vector.
var avx2EdgeMasks = [16]int32{-1, -1, -1, -1, -1, -1, -1, -1}

// sgemmEdgeAVX2 runs the AVX2 edge kernel that covers cols columns of a
// 16-wide panel (8 or 16), its last vector masked to the columns that
// remain.
func sgemmEdgeAVX2(kc int, a, b, c *float32, ldc int, accumulate int, rows, cols int) {
	mask := &avx2EdgeMasks[8-((cols-1)%8+1)]
	if cols <= 8 {
		sgemm6x8EdgeAVX2(kc, a, b, c, ldc, accumulate, rows, mask)
	} else {
		sgemm6x16EdgeAVX2(kc, a, b, c, ldc, accumulate, rows, mask)
	}
}

// sgemmEdgePairAVX2 runs the 12x8 AVX2 edge kernel on cols <= 8 columns.
func sgemmEdgePairAVX2(kc int, a, a1, b, c *float32, ldc int, accumulate int, rows, cols int) {
	sgemm12x8EdgeAVX2(kc, a, a1, b, c, ldc, accumulate, rows, &avx2EdgeMasks[8-cols])
}

// sgemm12x8EdgeAVX2 is sgemm6x8EdgeAVX2 on two A panels at once (a for
// rows 0..5, a1 for rows 6..11; rows > 6), as sgemm12x16EdgeAVX512.
//
//go:noescape
func sgemm12x8EdgeAVX2(kc int, a, a1, b, c *float32, ldc int, accumulate int, rows int, mask *int32)

// sgemm6x8EdgeAVX2 and sgemm6x16EdgeAVX2 are sgemm6x16AVX2 on the first 8
// or 16 columns of its 16-wide B panel, storing rows 0..rows-1 of C
// (rows >= 1) and, of the last 8 columns, those whose int32 at mask has
// its sign bit set (as sgemm6x16EdgeAVX512 with a k-mask).
//
//go:noescape
func sgemm6x8EdgeAVX2(kc int, a, b, c *float32, ldc int, accumulate int, rows int, mask *int32)

//go:noescape
func sgemm6x16EdgeAVX2(kc int, a, b, c *float32, ldc int, accumulate int, rows int, mask *int32)
