package boxes

import "math"

// Matcher results for an anchor that matches no ground-truth box, as
// torchvision's Matcher marks them.
const (
	BelowLowThreshold = -1 // background: best IoU < Low
	BetweenThresholds = -2 // ignored: Low <= best IoU < High
)

// Matcher assigns anchors to ground-truth boxes like torchvision's
// Matcher(high, low, allow_low_quality_matches) applied to
// box_iou(gt, anchors), without building the M x N matrix. RetinaNet uses
// High 0.5, Low 0.4, AllowLowQuality true. Its buffers are reused; it is not
// safe for concurrent use.
type Matcher struct {
	High, Low       float32 // compared in float32, as torch compares with a Python float
	AllowLowQuality bool

	best    []float32 // per ground truth: its highest IoU with any anchor
	argBest []int     // per anchor: the ground truth of its highest IoU
}

// NewRetinaNetMatcher is RetinaNet's matcher: IoU >= 0.5 foreground, < 0.4
// background, in between ignored, plus low-quality matches.
func NewRetinaNetMatcher() *Matcher {
	return &Matcher{High: 0.5, Low: 0.4, AllowLowQuality: true}
}

// Match writes into dst (reused, resized to len(anchors)) the ground-truth
// index of every anchor, or BelowLowThreshold / BetweenThresholds. With no
// ground truth every anchor is background (RetinaNet's compute_loss).
// Ties go to the lower ground-truth index (torch's max over dim 0); a NaN
// IoU wins as in torch.max.
func (m *Matcher) Match(dst []int, gt, anchors []Box) []int {
	dst = resize(dst, len(anchors))
	if len(gt) == 0 {
		for i := range dst {
			dst[i] = BelowLowThreshold
		}
		return dst
	}
	m.best = resize(m.best, len(gt))
	for g := range m.best {
		m.best[g] = float32(math.Inf(-1))
	}
	m.argBest = resize(m.argBest, len(anchors))
	for n, a := range anchors {
		bestV, bestG := IoU(gt[0], a), 0
		m.noteBest(0, bestV)
		for g := 1; g < len(gt); g++ {
			v := IoU(gt[g], a)
			m.noteBest(g, v)
			if bestV == bestV && (v > bestV || v != v) {
				bestV, bestG = v, g
			}
		}
		m.argBest[n] = bestG
		switch {
		case bestV < m.Low:
			dst[n] = BelowLowThreshold
		case bestV < m.High:
			dst[n] = BetweenThresholds
		default:
			dst[n] = bestG
		}
	}
	if !m.AllowLowQuality {
		return dst
	}
	// Every anchor tied for some ground truth's highest IoU gets its own best
	// ground truth back, even below the thresholds.
	for n, a := range anchors {
		for g := range gt {
			if IoU(gt[g], a) == m.best[g] {
				dst[n] = m.argBest[n]
				break
			}
		}
	}
	return dst
}

// noteBest keeps the per-ground-truth maximum, NaN-propagating like
// torch.max.
func (m *Matcher) noteBest(g int, v float32) {
	if b := m.best[g]; b == b && (v > b || v != v) {
		m.best[g] = v
	}
}
