// Package quant is the int8 fixed-point RetinaNet, quantized by TFLite's
// spec: per-output-channel symmetric int8 weights (BN folded first, zero
// point 0), per-tensor asymmetric int8 activations, int32 biases with scale
// s_in*s_w[c], and gemmlowp requantization (package kernels). The pyramid
// levels P3..P7 and the head towers' outputs are one tensor per level: the
// levels' ranges differ by an order of magnitude, so a head conv has its
// weights once and its activation parameters, bias and requantization per
// level.
//
// The int8 model is an executor of package net's architecture (net.Arch):
// its layers and activations are the ones declared there. A Calibrator
// runs images through the float model itself (net.Model, whose observer
// reports every activation by its declared name); Quantize picks each activation's range by a rule (min/max,
// a percentile, least squared error, or the best of them per activation)
// and builds the Model. Its forward pass (Heads) plans its buffers once per
// input size: every conv is im2col + the int8 GEMM with the requantization
// and a fused ReLU in its epilogue, residual and top-down sums are TFLite's
// quantized ADD (one table lookup per element), max-pool and upsampling run
// on int8, and the heads run over all pyramid levels at once (one im2col,
// one GEMM per level), their last convs' int32 sums dequantized to float
// for the sigmoid and box decoding (v2's GroupNorm heads normalise in
// float between int8 convs). The Model is a net/detect Network.
//
// Model.WriteFile and LoadModelFile store it as a "retina-int8-v2"
// safetensors file (modelfile.go lists the tensors; "retina-int8-v1" files,
// with one set of head parameters for all levels, still load); package
// model opens a float or an int8 model file alike.
package quant
