// Package quant is the int8 fixed-point RetinaNet, quantized by TFLite's
// spec: per-output-channel symmetric int8 weights (BN folded first, zero
// point 0), per-tensor asymmetric int8 activations, int32 biases with scale
// s_in*s_w[c], and gemmlowp requantization (package kernels).
package quant
