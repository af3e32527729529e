// Package kernels holds retina's numeric inner loops: a packed, blocked,
// goroutine-parallel GEMM over fixed-shape micro-kernels (float32 SGEMM and
// an int8 GEMM with TFLite requantization, on one loop nest), im2col/col2im
// convolution, sigmoid and the other elementwise operations the network
// needs.
//
// It is the only package with assembly. Each float instruction-set tier
// (generic, avx2, avx512, neon) is an Impl: a micro-kernel with its tile
// shape and blocking parameters (on amd64 also narrower edge kernels that
// write C's ragged edge tiles in place under a mask, summing as the
// micro-kernel does), a vector sigmoid, the Winograd F(2x2, 3x3)
// transforms, the stride-2 im2col gather, the A and B packers and the
// bias+ReLU epilogue (all but the sigmoid bit-exact with the Go code). Each int8 tier
// (generic, avx2: VPMADDWD; avx512vnni: VPDPBUSD with B offset by 128;
// neon: SMULL/SMLAL + SADALP; neondot: SDOT) is an Int8Impl: its
// micro-kernel, B packer, SIMD requantization and activation quantization,
// stride-2 im2col gather and max-pool steps, all bit-exact with the
// generic Go code. Every kernel choice is an entry of a tier's table (no
// function variable is set aside from them), so the generic tiers run only
// Go. One im2col over strided planes (Im2colPlanes, Im2colPlanesInt8)
// serves both types. The tiers are chosen once at init from the CPU's
// features (github.com/klauspost/cpuid/v2); RETINA_KERNELS forces a lower
// one (a float tier name also caps the int8 tier at its level) and the
// purego build tag builds only the generic tiers.
//
// Everything here is a pure function over slices, except Engine, which owns
// worker goroutines and packing buffers so that steady-state calls allocate
// nothing; its workers poll briefly for the next task before they block.
package kernels
