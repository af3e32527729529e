//go:build purego || !(amd64 || arm64)

package kernels

// winoWeightsKernel is the weight transform of one panel for im: without
// assembly, the Go reference.
func winoWeightsKernel(_ *Impl, tile int) func(raw []float32, n int, dst []float32, stride int) {
	return winoWeightsGeneric(tile)
}
