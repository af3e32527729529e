// Package kernels holds retina's numeric inner loops: a packed, blocked,
// goroutine-parallel SGEMM over fixed-shape micro-kernels, im2col/col2im
// convolution, sigmoid and the other elementwise operations the network needs.
//
// It is the only package with assembly. Each instruction-set tier (generic,
// avx2, avx512, neon) is an Impl: a micro-kernel with its tile shape and
// blocking parameters plus a vector sigmoid. The tier is chosen once at init
// from the CPU's features (github.com/klauspost/cpuid/v2); RETINA_KERNELS
// forces a lower one and the purego build tag builds only the generic tier.
//
// Everything here is a pure function over slices, except Engine, which owns
// worker goroutines and packing buffers so that steady-state calls allocate
// nothing.
package kernels
