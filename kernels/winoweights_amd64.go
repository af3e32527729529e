//go:build !purego

package kernels

// winoWeightsKernel is the weight transform of one panel for im.
func winoWeightsKernel(_ *Impl, tile int) func(raw []float32, n int, dst []float32, stride int) {
	return winoWeightsGeneric(tile)
}
