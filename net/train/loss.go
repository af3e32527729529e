package train

import (
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
)

// Loss is one step's losses as torchvision's RetinaNet.compute_loss
// returns them (Class = "classification", Box = "bbox_regression"), their
// sum, and the number of foreground anchors over the batch.
type Loss struct {
	Class, Box, Total float64
	Foreground        int
}

// computeLoss matches anchors to each image's targets, computes the focal
// and box losses exactly as torchvision does (each image's sums divided by
// max(1, its foreground count), then averaged over the images) and writes
// the gradient of Total with respect to every head output into its .g
// (a target with a Score trains its class logit towards that score with
// softFocalLoss; every other logit is focalLoss's),
// for the worker's images, into w.loss.
func (n *Network) computeLoss(p *plan, w *worker, b *Batch) {
	var out Loss
	alpha, gamma := float64(n.opts.FocalAlpha), float64(n.opts.FocalGamma)
	beta := float64(n.opts.SmoothL1Beta)
	k := n.cfg.NumClasses
	a := n.cfg.AnchorsPerCell()
	for i := w.b0; i < w.b1; i++ {
		ts := b.Targets[i]
		gt := w.gt[:0]
		for _, t := range ts {
			gt = append(gt, boxes.Box(t.Box))
		}
		w.gt = gt
		matched := w.matcher.Match(p.matched[i], gt, p.anchors)
		p.matched[i] = matched
		fg := 0
		for _, m := range matched {
			if m >= 0 {
				fg++
			}
		}
		out.Foreground += fg
		// d(Total)/d(image loss) = 1 / (max(1, fg) * N).
		norm := 1 / float64(max(1, fg)*p.n)

		var cls, box float64
		offset := 0
		for l := range net.NumLevels {
			co, bo := p.cls[l].out, p.box[l].out
			hw := co.h * co.w
			logits, dlogits := co.img(i), co.grad(i)
			deltas, ddeltas := bo.img(i), bo.grad(i)
			for c := range a {
				for j := range k {
					plane, dplane := logits[(c*k+j)*hw:(c*k+j+1)*hw], dlogits[(c*k+j)*hw:(c*k+j+1)*hw]
					for pos, x := range plane {
						m := matched[offset+pos*a+c]
						if m == boxes.BetweenThresholds {
							dplane[pos] = 0
							continue
						}
						var l, g float64
						if pos := m >= 0 && ts[m].Class == j; pos && ts[m].Score > 0 {
							l, g = softFocalLoss(float64(x), float64(ts[m].Score), alpha, gamma)
						} else {
							l, g = focalLoss(float64(x), pos, alpha, gamma)
						}
						cls += l
						dplane[pos] = float32(g * norm)
					}
				}
				clear(ddeltas[c*4*hw : (c+1)*4*hw])
				for pos := range hw {
					m := matched[offset+pos*a+c]
					if m < 0 {
						continue
					}
					var d [4]float64
					for j := range 4 {
						d[j] = float64(deltas[(c*4+j)*hw+pos])
					}
					l, g := boxLoss(n.opts.BoxLoss, beta, d, p.anchors[offset+pos*a+c], gt[m])
					box += l
					for j := range 4 {
						ddeltas[(c*4+j)*hw+pos] = float32(g[j] * norm)
					}
				}
			}
			offset += hw * a
		}
		out.Class += cls * norm
		out.Box += box * norm
	}
	w.loss = out
}
