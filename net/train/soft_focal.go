package train

import "math"

// softFocalLoss is the focal loss of one logit x with a soft target
// y in [0, 1] (a teacher's score), and its derivative: the quality focal
// loss of Li et al., "Generalized Focal Loss" (NeurIPS 2020),
//
//	QFL(x, y) = -|y - p|^gamma * ((1-y) log(1-p) + y log p),  p = sigmoid(x),
//
// times torchvision's alpha weighting made linear in y, alpha_y = alpha*y +
// (1-alpha)*(1-y) (no weighting when alpha < 0). At y = 1 and y = 0 it is
// exactly focalLoss's positive and negative term, so hard labels are its
// special case; with 0 < y < 1 the loss is smallest at p = y: the student
// learns the teacher's confidence, not just its boxes. For gamma < 1 the
// derivative grows without bound near p = y (|y-p|^(gamma-1)); the default
// gamma 2, GFL's own choice, is smooth there.
func softFocalLoss(x, y, alpha, gamma float64) (loss, grad float64) {
	e := math.Exp(-math.Abs(x))
	var p float64 // sigmoid(x)
	if x >= 0 {
		p = 1 / (1 + e)
	} else {
		p = e / (1 + e)
	}
	// BCE(x, y) = y softplus(-x) + (1-y) softplus(x) (no cancellation at
	// the ends, where focalLoss computes the same terms); d/dx = p - y.
	soft := math.Log1p(e)
	ce := y*(max(-x, 0)+soft) + (1-y)*(max(x, 0)+soft)
	d := p - y
	ad := math.Abs(d)
	m := powGamma(ad, gamma)
	// d/dx |p-y|^g = g |p-y|^(g-1) sign(p-y) p (1-p).
	var dm float64
	if ad > 0 {
		dm = gamma * powGamma(ad, gamma-1) * math.Copysign(1, d) * p * (1 - p)
	}
	a := 1.0
	if alpha >= 0 {
		a = alpha*y + (1-alpha)*(1-y)
	}
	return a * m * ce, a * (dm*ce + m*d)
}
