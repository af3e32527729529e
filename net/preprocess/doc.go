// Package preprocess turns a decoded picture into the network's input tensor
// exactly as torchvision 0.14's GeneralizedRCNNTransform does on the CPU:
// RGB bytes to [0,1] (divide by 255), per-channel normalization, a bilinear
// resize (align_corners=False, recompute_scale_factor=True) to the size the
// min/max rule picks, and zero padding bottom/right to a multiple of 32.
//
// The arithmetic follows PyTorch 1.13's CPU kernels operation by operation
// (float32 where ATen uses float, double where it uses its accumulate type,
// fused multiply-adds where its AVX2 build contracts them), so the tensor
// matches torchvision bit for bit when both start from the same RGB bytes.
package preprocess
