package train

import (
	"math"

	"github.com/retina-edge/retina/net/boxes"
)

// iouLossEps is the eps of torchvision's IoU-family losses (_box_loss
// passes none, so their default 1e-7).
const iouLossEps = 1e-7

// boxLoss is torchvision 0.14's _box_loss for one foreground anchor: the
// loss between the predicted deltas and the matched ground truth, and its
// gradient with respect to the deltas; beta is smooth_l1's.
func boxLoss(kind string, beta float64, delta [4]float64, anchor, gt boxes.Box) (float64, [4]float64) {
	switch kind {
	case BoxLossGIoU, BoxLossDIoU, BoxLossCIoU:
		l := iouLoss(kind, decodeDual(delta, anchor), gt)
		return l.v, l.d
	}
	// l1 and smooth_l1 compare the deltas with the encoded ground truth.
	target := boxes.Encode(gt, anchor)
	var loss float64
	var grad [4]float64
	smooth := kind == BoxLossSmoothL1 && beta > 0 // beta 0 is exactly L1, as F.smooth_l1_loss
	for j := range 4 {
		z := delta[j] - float64(target[j])
		if smooth && math.Abs(z) < beta {
			loss += 0.5 * z * z / beta
			grad[j] = z / beta
			continue
		}
		if smooth {
			loss += math.Abs(z) - 0.5*beta
		} else {
			loss += math.Abs(z)
		}
		switch {
		case z > 0:
			grad[j] = 1
		case z < 0:
			grad[j] = -1
		}
	}
	return loss, grad
}

// decodeDual is BoxCoder.decode_single of one anchor's deltas (weights 1),
// differentiable in the deltas; dw and dh are clamped to log(1000/16) (no
// gradient above it, as torch.clamp).
func decodeDual(delta [4]float64, anchor boxes.Box) [4]dual {
	w := float64(anchor[2] - anchor[0])
	h := float64(anchor[3] - anchor[1])
	cx := float64(anchor[0]) + 0.5*w
	cy := float64(anchor[1]) + 0.5*h
	var d [4]dual
	for j := range d {
		d[j] = variable(delta[j], j)
	}
	clip := float64(boxes.BoxXformClip)
	for _, j := range []int{2, 3} {
		if d[j].v > clip {
			d[j] = constant(clip)
		}
	}
	pcx := d[0].scale(w).addConst(cx)
	pcy := d[1].scale(h).addConst(cy)
	hw := d[2].exp().scale(0.5 * w)
	hh := d[3].exp().scale(0.5 * h)
	return [4]dual{pcx.sub(hw), pcy.sub(hh), pcx.add(hw), pcy.add(hh)}
}

// iouLoss is torchvision's generalized_box_iou_loss, distance_box_iou_loss
// or complete_box_iou_loss of a predicted box and its ground truth.
func iouLoss(kind string, p [4]dual, gt boxes.Box) dual {
	var g [4]dual
	for j := range g {
		g[j] = constant(float64(gt[j]))
	}
	x1, y1, x2, y2 := p[0], p[1], p[2], p[3]
	x1g, y1g, x2g, y2g := g[0], g[1], g[2], g[3]

	// _loss_inter_union: the intersection counts only where it is positive.
	xk1, yk1 := maxDual(x1, x1g), maxDual(y1, y1g)
	xk2, yk2 := minDual(x2, x2g), minDual(y2, y2g)
	inter := constant(0)
	if yk2.v > yk1.v && xk2.v > xk1.v {
		inter = xk2.sub(xk1).mul(yk2.sub(yk1))
	}
	union := x2.sub(x1).mul(y2.sub(y1)).add(x2g.sub(x1g).mul(y2g.sub(y1g))).sub(inter)
	iou := inter.div(union.addConst(iouLossEps))

	// The smallest enclosing box.
	xc1, yc1 := minDual(x1, x1g), minDual(y1, y1g)
	xc2, yc2 := maxDual(x2, x2g), maxDual(y2, y2g)
	if kind == BoxLossGIoU {
		areaC := xc2.sub(xc1).mul(yc2.sub(yc1))
		giou := iou.sub(areaC.sub(union).div(areaC.addConst(iouLossEps)))
		return constant(1).sub(giou)
	}
	diag := xc2.sub(xc1).square().add(yc2.sub(yc1).square()).addConst(iouLossEps)
	cdx := x2.add(x1).scale(0.5).sub(x1g.add(x2g).scale(0.5))
	cdy := y2.add(y1).scale(0.5).sub(y1g.add(y2g).scale(0.5))
	diou := constant(1).sub(iou).add(cdx.square().add(cdy.square()).div(diag))
	if kind == BoxLossDIoU {
		return diou
	}
	// complete_box_iou_loss: alpha is computed without gradient.
	wg, hg := x2g.sub(x1g), y2g.sub(y1g)
	w, h := x2.sub(x1), y2.sub(y1)
	v := wg.div(hg).atan().sub(w.div(h).atan()).square().scale(4 / (math.Pi * math.Pi))
	alpha := v.v / (1 - iou.v + v.v + iouLossEps)
	return diou.add(v.scale(alpha))
}
