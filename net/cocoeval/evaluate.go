package cocoeval

import (
	"math"
	"slices"
	"sort"
)

// Evaluate scores the detections against the ground truth as COCOeval's
// evaluate(), accumulate() and summarize() do for iouType "bbox".
func Evaluate(gt *Dataset, dts []Detection, p Params) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	p.MaxDets = slices.Clone(p.MaxDets)
	slices.Sort(p.MaxDets) // evaluate() sorts maxDets
	imgIDs := sortedUnique(gt.ImageIDs)
	catIDs := make([]int64, len(gt.Categories))
	for i, c := range gt.Categories {
		catIDs[i] = c.ID
	}
	catIDs = sortedUnique(catIDs)

	cells := groupByImageAndCategory(gt, dts, imgIDs, catIDs)
	maxDet := p.MaxDets[len(p.MaxDets)-1]
	I, K, A := len(imgIDs), len(catIDs), len(p.AreaRanges)
	// evals[(k*A+a)*I+i] is evaluateImg's result, nil where the image has
	// neither ground truth nor detections of the category.
	evals := make([]*imageEval, K*A*I)
	for k := range catIDs {
		for i := range imgIDs {
			c := cells[cellKey{i, k}]
			if c == nil {
				continue
			}
			c.sortAndCut(dts, maxDet)
			ious := c.ious(gt, dts)
			for a, rng := range p.AreaRanges {
				evals[(k*A+a)*I+i] = evaluateImage(gt, dts, c, ious, rng, p.IoUThrs)
			}
		}
	}
	r := accumulate(evals, p, I, K)
	r.CategoryIDs = catIDs
	r.summarize()
	r.perClass(gt)
	return r, nil
}

func sortedUnique(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

type cellKey struct{ img, cat int }

// cell holds one image's ground truths and detections of one category, in
// file order (as pycocotools' _prepare groups them).
type cell struct {
	gts []int // indexes into Dataset.Annotations
	dts []int // indexes into the detections; sorted by score and cut by sortAndCut
}

func groupByImageAndCategory(gt *Dataset, dts []Detection, imgIDs, catIDs []int64) map[cellKey]*cell {
	imgIndex := make(map[int64]int, len(imgIDs))
	for i, id := range imgIDs {
		imgIndex[id] = i
	}
	catIndex := make(map[int64]int, len(catIDs))
	for k, id := range catIDs {
		catIndex[id] = k
	}
	cells := make(map[cellKey]*cell)
	get := func(img, cat int64) *cell {
		i, ok1 := imgIndex[img]
		k, ok2 := catIndex[cat]
		if !ok1 || !ok2 {
			return nil // getAnnIds filters by the evaluated images and categories
		}
		c := cells[cellKey{i, k}]
		if c == nil {
			c = &cell{}
			cells[cellKey{i, k}] = c
		}
		return c
	}
	for j, a := range gt.Annotations {
		if c := get(a.ImageID, a.CategoryID); c != nil {
			c.gts = append(c.gts, j)
		}
	}
	for j, d := range dts {
		if c := get(d.ImageID, d.CategoryID); c != nil {
			c.dts = append(c.dts, j)
		}
	}
	return cells
}

// sortAndCut orders the detections by descending score with a stable sort
// (np.argsort(-scores, kind='mergesort')) and keeps the first maxDet.
func (c *cell) sortAndCut(dts []Detection, maxDet int) {
	sort.SliceStable(c.dts, func(x, y int) bool {
		return scoreBefore(dts[c.dts[x]].Score, dts[c.dts[y]].Score)
	})
	if len(c.dts) > maxDet {
		c.dts = c.dts[:maxDet]
	}
}

// scoreBefore is the order of argsort(-score): higher first, NaN last.
func scoreBefore(a, b float64) bool {
	return a > b || (!math.IsNaN(a) && math.IsNaN(b))
}

// ious returns the [detection][ground truth] IoU matrix (computeIoU).
func (c *cell) ious(gt *Dataset, dts []Detection) [][]float64 {
	out := make([][]float64, len(c.dts))
	for d, dj := range c.dts {
		row := make([]float64, len(c.gts))
		for g, gj := range c.gts {
			a := &gt.Annotations[gj]
			row[g] = boxIoU(dts[dj].Box, a.Box, a.Crowd)
		}
		out[d] = row
	}
	return out
}
