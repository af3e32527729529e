//go:build !purego

package kernels

// The tier tables' weight transforms (avx512Tier, avx2Tier): whole blocks of lanes in
// assembly, the rest of a panel by the Go reference.

func winoWeights4RowsAVX512(raw []float32, n int, dst []float32, stride int) {
	winoWeightsBlocks(raw, n, dst, stride, 16, 4, winoWeights4AVX512)
}

func winoWeights2RowsAVX512(raw []float32, n int, dst []float32, stride int) {
	winoWeightsBlocks(raw, n, dst, stride, 16, 2, winoWeights2AVX512)
}

func winoWeights4RowsAVX2(raw []float32, n int, dst []float32, stride int) {
	winoWeightsBlocks(raw, n, dst, stride, 8, 4, winoWeights4AVX2)
}

func winoWeights2RowsAVX2(raw []float32, n int, dst []float32, stride int) {
	winoWeightsBlocks(raw, n, dst, stride, 8, 2, winoWeights2AVX2)
}

// winoWeights4AVX512 is winoWeightsPlaces(4, ...) on places [0, 16*blocks) of a
// panel (n places a tap; stride floats from one position to the next),
// scale winoScale4; winoWeights2AVX512 the same for F(2x2) with
// winoScale2. The AVX2 kernels take 8 places a vector.
//
//go:noescape
func winoWeights4AVX512(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)

//go:noescape
func winoWeights2AVX512(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)

//go:noescape
func winoWeights4AVX2(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)

//go:noescape
func winoWeights2AVX2(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
