// Package train is retina's trainable RetinaNet: the forward pass that
// torchvision 0.14 computes in train mode with FrozenBatchNorm2d (the same
// math as eval), the losses of RetinaNet.compute_loss, and the backward
// pass, all in NCHW float32 over kernels.Engine's SGEMM.
//
// The inference model in package net folds batch norms and plans buffers for
// speed; this package builds its own graph from a net.Config and a
// state_dict, so training changes nothing there. Layers keep what backward
// needs (their input and output); a conv recomputes im2col in backward
// instead of storing it.
//
// What is trained, as torchvision's resnet_fpn_backbone + RetinaNet train it:
// conv weights and biases and GroupNorm affine parameters. Batch norms are
// FrozenBatchNorm2d: weight, bias, running mean and variance are fixed (eps
// 1e-5) and folded into their conv as scale = w/sqrt(rv+eps), shift =
// b - rm*scale, so a frozen BN is a per-channel affine on the conv's output.
//
// Options.FreezeBackbone = N freezes conv1 (the stem) and layer1..layerN,
// i.e. torchvision's trainable_layers = 4 - N: N = -1 trains the whole
// backbone (trainable_layers 5), N = 1 is torchvision's default for a
// pretrained backbone (trainable_layers 3), N = 4 freezes every backbone conv
// (trainable_layers 0). The FPN and the heads are always trained.
//
// Threads: a batch's images are split over min(Threads, N) workers, each
// running forward, loss and backward for its images with its own GEMM
// engine (Threads/workers threads) and scratch; workers other than the
// first collect gradients privately and Step adds them in worker order, so
// results are deterministic for a given thread count and batch size.
// Buffers are planned per batch shape; steady-state steps allocate nothing.
//
// Targets have no crowd flag: torchvision's RetinaNet has no crowd notion,
// so crowd objects (COCO iscrowd, VOC difficult) are dropped from the
// targets (TargetsFromObjects does it) and their anchors count as
// background or foreground only through the other boxes.
package train
