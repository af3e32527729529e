//go:build !purego

package kernels

//go:generate go run asmgen_arm64.go asmgen_winograd4_arm64.go

// neonTier runs the 8x12 NEON micro-kernel: 24 accumulators in V8-V31, A
// values used by lane (by-element FMLA), so a k step is 5 loads and 24 FMAs.
// Blocking for Cortex-A72 (32 KB L1D, 1 MB L2 shared by 4 cores) and A76
// (64 KB L1D, 512 KB L2 per core): a KC x NR panel of B (13.5 KB) and a
// KC x MR panel of A (9 KB) share L1; an MC x KC block of A (144 KB) sits in
// L2. KC = 288 = 32*9 makes a 3x3 convolution's sum split into whole blocks.
var neonTier = &Impl{
	Name: "neon",
	MR:   8, NR: 12,
	KC: 288, MC: 128, NC: 384,
	sgemmTile: sgemm8x12NEON,
	sigmoid:   sigmoidNEON,

	winogradInput:  winogradInputRowNEON,
	winogradOutput: winogradOutputRowNEON,

	winograd4Input:  winograd4InputRowNEON,
	winograd4Output: winograd4OutputRowNEON,
	gatherEven:      gatherEvenRowNEON,

	packARows:    packARowsFull,
	packBPanels:  packBPanelsNEON,
	prefetchRows: prefetchNone,
	packBEdge:    packBEdgeGeneric,
	epilogueRows: epilogueRowsGeneric,

	winoWeights4: winoWeights4RowsNEON,
	winoWeights2: winoWeights2RowsNEON,
}

// sgemm8x12NEON computes an 8x12 tile of C from packed panels:
//
//	for i := 0; i < 8; i++ {
//		for j := 0; j < 12; j++ {
//			var s float32
//			for p := 0; p < kc; p++ {
//				s += a[p*8+i] * b[p*12+j] // fused multiply-add
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
func sgemm8x12NEON(kc int, a, b, c *float32, ldc int, accumulate int)
