// Package boxes holds RetinaNet's box geometry exactly as torchvision 0.14
// computes it in float32: anchors (AnchorGenerator), the box coder
// (BoxCoder with weights 1,1,1,1), clipping, IoU, non-maximum suppression
// (torchvision.ops.nms and batched_nms, both of its paths) and the
// per-image postprocess of RetinaNet.postprocess_detections.
//
// Every float32 expression follows torch's order of operations and is
// rounded after each step (explicit float32 conversions stop the Go
// compiler from fusing a multiply and an add into one FMA, which torch
// does not do), so anchors, clipping and NMS decisions are bit-exact;
// only exp, log and sigmoid may differ from torch's SLEEF versions by an
// ulp.
package boxes
