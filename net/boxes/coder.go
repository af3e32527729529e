package boxes

import "math"

// BoxXformClip is BoxCoder's bbox_xform_clip, log(1000/16), as the float32
// that torch.clamp compares dw and dh with.
var BoxXformClip = float32(math.Log(1000.0 / 16))

// Decode applies the deltas (dx, dy, dw, dh) to an anchor like
// BoxCoder(weights=(1,1,1,1)).decode_single: dw and dh are clamped to
// BoxXformClip, and every step is rounded to float32 in torch's order.
func Decode(delta [4]float32, anchor Box) Box {
	w := anchor[2] - anchor[0]
	h := anchor[3] - anchor[1]
	cx := anchor[0] + float32(0.5*w)
	cy := anchor[1] + float32(0.5*h)

	dx, dy, dw, dh := delta[0], delta[1], delta[2], delta[3]
	if dw > BoxXformClip {
		dw = BoxXformClip
	}
	if dh > BoxXformClip {
		dh = BoxXformClip
	}

	pcx := float32(dx*w) + cx
	pcy := float32(dy*h) + cy
	pw := exp32(dw) * w
	ph := exp32(dh) * h

	halfH := float32(0.5 * ph)
	halfW := float32(0.5 * pw)
	return Box{pcx - halfW, pcy - halfH, pcx + halfW, pcy + halfH}
}

// Encode returns the deltas that take anchor to gt, like encode_boxes with
// weights (1,1,1,1) (reference_boxes = gt, proposals = anchor).
func Encode(gt, anchor Box) [4]float32 {
	aw := anchor[2] - anchor[0]
	ah := anchor[3] - anchor[1]
	acx := anchor[0] + float32(0.5*aw)
	acy := anchor[1] + float32(0.5*ah)

	gw := gt[2] - gt[0]
	gh := gt[3] - gt[1]
	gcx := gt[0] + float32(0.5*gw)
	gcy := gt[1] + float32(0.5*gh)

	return [4]float32{
		float32(gcx-acx) / aw,
		float32(gcy-acy) / ah,
		log32(gw / aw),
		log32(gh / ah),
	}
}

// exp32 and log32 are the correctly rounded float32 results (torch's SLEEF
// versions are within 1 ulp of these).
func exp32(x float32) float32 { return float32(math.Exp(float64(x))) }
func log32(x float32) float32 { return float32(math.Log(float64(x))) }
