package cocoeval

import "sort"

// imageEval is evaluateImg's result for one image, category and area range.
type imageEval struct {
	scores   []float64 // detection scores, highest first
	matched  []bool    // [t*D+d]: dtMatches != 0, i.e. matched to a ground truth with a nonzero id
	dtIgnore []bool    // [t*D+d]
	gtIgnore []bool
}

// evaluateImage matches one image's detections of one category greedily,
// highest score first, at each IoU threshold (COCOeval.evaluateImg).
func evaluateImage(gt *Dataset, dts []Detection, c *cell, ious [][]float64, rng [2]float64, thrs []float64) *imageEval {
	G, D, T := len(c.gts), len(c.dts), len(thrs)
	ignore := make([]bool, G)
	for g, gj := range c.gts {
		a := &gt.Annotations[gj]
		ignore[g] = a.Crowd || a.Area < rng[0] || a.Area > rng[1]
	}
	// Ground truths that count come first, ignored ones last (stable).
	order := make([]int, G)
	for g := range order {
		order[g] = g
	}
	sort.SliceStable(order, func(x, y int) bool { return !ignore[order[x]] && ignore[order[y]] })
	gtIg := make([]bool, G)
	crowd := make([]bool, G)
	gtID := make([]int64, G)
	for g, o := range order {
		a := &gt.Annotations[c.gts[o]]
		gtIg[g], crowd[g], gtID[g] = ignore[o], a.Crowd, a.ID
	}

	e := &imageEval{
		scores:   make([]float64, D),
		matched:  make([]bool, T*D),
		dtIgnore: make([]bool, T*D),
		gtIgnore: gtIg,
	}
	for d, dj := range c.dts {
		e.scores[d] = dts[dj].Score
	}
	if G > 0 && D > 0 {
		gtTaken := make([]bool, G)
		for t, thr := range thrs {
			clear(gtTaken)
			for d := 0; d < D; d++ {
				best := min(thr, 1-1e-10)
				m := -1
				for g := 0; g < G; g++ {
					if gtTaken[g] && !crowd[g] {
						continue // a regular ground truth matches once
					}
					if m > -1 && !gtIg[m] && gtIg[g] {
						break // matched a real object: ignored ones (sorted last) cannot win
					}
					iou := ious[d][order[g]]
					if iou < best {
						continue
					}
					best, m = iou, g
				}
				if m == -1 {
					continue
				}
				e.dtIgnore[t*D+d] = gtIg[m]
				e.matched[t*D+d] = gtID[m] != 0
				gtTaken[m] = true // gtm holds the detection's id, always >= 1
			}
		}
	}
	// Unmatched detections outside the area range are ignored.
	for d, dj := range c.dts {
		b := dts[dj].Box
		area := b[2] * b[3]
		if area < rng[0] || area > rng[1] {
			for t := 0; t < T; t++ {
				if !e.matched[t*D+d] {
					e.dtIgnore[t*D+d] = true
				}
			}
		}
	}
	return e
}
