package train

import "math"

// focalLoss is torchvision's sigmoid_focal_loss of one logit x with binary
// target t, and its derivative: alpha_t * BCE(x, t) * (1 - p_t)^gamma with
// p = sigmoid(x), p_t = p if t else 1-p, alpha_t = alpha if t else 1-alpha
// (no weighting when alpha < 0). Computed in float64 from one exp and one
// log1p, stable for any x.
func focalLoss(x float64, t bool, alpha, gamma float64) (loss, grad float64) {
	e := math.Exp(-math.Abs(x))
	soft := math.Log1p(e) // softplus(-|x|)
	var p float64         // sigmoid(x)
	if x >= 0 {
		p = 1 / (1 + e)
	} else {
		p = e / (1 + e)
	}
	if t {
		// BCE = softplus(-x); d/dx = -(1-p); d/dx (1-p)^g = -g p (1-p)^g.
		ce := max(-x, 0) + soft
		q := 1 - p
		m := powGamma(q, gamma)
		a := 1.0
		if alpha >= 0 {
			a = alpha
		}
		return a * ce * m, a * (-q*m - gamma*p*m*ce)
	}
	// BCE = softplus(x); d/dx = p; d/dx p^g = g p^g (1-p).
	ce := max(x, 0) + soft
	m := powGamma(p, gamma)
	a := 1.0
	if alpha >= 0 {
		a = 1 - alpha
	}
	return a * ce * m, a * (p*m + gamma*m*(1-p)*ce)
}

// powGamma is b^gamma with the common gammas exact and fast.
func powGamma(b, gamma float64) float64 {
	switch gamma {
	case 2:
		return b * b
	case 1:
		return b
	case 0:
		return 1
	}
	return math.Pow(b, gamma)
}
