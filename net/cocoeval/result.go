package cocoeval

// StatNames label Result.Stats in summarize() order.
var StatNames = [12]string{
	"AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large",
	"AR1", "AR10", "AR100", "AR_small", "AR_medium", "AR_large",
}

// Result is an evaluation: the 12 summary numbers, per-category scores and
// the full precision/recall tables for plots.
type Result struct {
	Params Params
	// CategoryIDs are the evaluated categories, ascending (the K axis).
	CategoryIDs []int64
	// Stats are summarize()'s 12 numbers in StatNames order; -1 where
	// nothing could be scored (no ground truth in that setting).
	Stats [12]float64
	// PerClass holds one entry per category, in CategoryIDs order.
	PerClass []ClassResult

	dims      [5]int    // T, R, K, A, M
	precision []float64 // [T][R][K][A][M]
	recall    []float64 // [T][K][A][M]
}

// ClassResult is one category's scores at area "all" and 100 detections per
// image (the last maxDets when 100 is not among them).
type ClassResult struct {
	CategoryID int64
	Name       string
	NumGT      int     // ground truths that are not crowd
	AP         float64 // AP@[.5:.95]; -1 when the category has no ground truth
	AP50, AP75 float64
	AR         float64 // recall averaged over the IoU thresholds
	// PR50 and PR75 are the precision at each Params.RecThrs at IoU .5 and
	// .75 (nil when those thresholds are not evaluated); -1 entries mean
	// no ground truth.
	PR50, PR75 []float64
}

func (r *Result) precisionIndex(t, q, k, a, m int) int {
	d := r.dims
	return (((t*d[1]+q)*d[2]+k)*d[3]+a)*d[4] + m
}

func (r *Result) recallIndex(t, k, a, m int) int {
	d := r.dims
	return ((t*d[2]+k)*d[3]+a)*d[4] + m
}

// Precision returns eval['precision'][t, q, k, a, m]: the interpolated
// precision at IoU threshold t, recall threshold q, category k, area range a
// and maxDets index m; -1 where the setting has no ground truth.
func (r *Result) Precision(t, q, k, a, m int) float64 {
	return r.precision[r.precisionIndex(t, q, k, a, m)]
}

// Recall returns eval['recall'][t, k, a, m].
func (r *Result) Recall(t, k, a, m int) float64 {
	return r.recall[r.recallIndex(t, k, a, m)]
}

func indexOf[T comparable](s []T, v T) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// mean is summarize()'s np.mean(s[s > -1]), or -1 when nothing is > -1.
// ts selects IoU thresholds, ks categories; a and m are single indexes.
func (r *Result) mean(ap bool, ts, ks []int, a, m int) float64 {
	if a < 0 || m < 0 {
		return -1
	}
	sum, n := 0.0, 0
	add := func(v float64) {
		if v > -1 {
			sum += v
			n++
		}
	}
	for _, t := range ts {
		for _, k := range ks {
			if ap {
				for q := 0; q < r.dims[1]; q++ {
					add(r.Precision(t, q, k, a, m))
				}
			} else {
				add(r.Recall(t, k, a, m))
			}
		}
	}
	if n == 0 {
		return -1
	}
	return sum / float64(n)
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// thresholdIndexes is np.where(iouThr == p.iouThrs) (exact float equality),
// or every threshold when all is true.
func (r *Result) thresholdIndexes(iou float64, all bool) []int {
	if all {
		return seq(r.dims[0])
	}
	var ts []int
	for t, v := range r.Params.IoUThrs {
		if v == iou {
			ts = append(ts, t)
		}
	}
	return ts
}

// summarize computes the 12 numbers of _summarizeDets. Like pycocotools it
// looks up maxDets 100 for the first AP and maxDets[2] for the rest (the last
// maxDets when fewer than three are given).
func (r *Result) summarize() {
	p := r.Params
	ks := seq(r.dims[2])
	md := func(i int) int { return p.MaxDets[min(i, len(p.MaxDets)-1)] }
	area := func(label string) int { return indexOf(p.AreaLabels, label) }
	maxIdx := func(v int) int { return indexOf(p.MaxDets, v) }
	all := r.thresholdIndexes(0, true)
	r.Stats[0] = r.mean(true, all, ks, area("all"), maxIdx(100))
	r.Stats[1] = r.mean(true, r.thresholdIndexes(.5, false), ks, area("all"), maxIdx(md(2)))
	r.Stats[2] = r.mean(true, r.thresholdIndexes(.75, false), ks, area("all"), maxIdx(md(2)))
	r.Stats[3] = r.mean(true, all, ks, area("small"), maxIdx(md(2)))
	r.Stats[4] = r.mean(true, all, ks, area("medium"), maxIdx(md(2)))
	r.Stats[5] = r.mean(true, all, ks, area("large"), maxIdx(md(2)))
	r.Stats[6] = r.mean(false, all, ks, area("all"), maxIdx(md(0)))
	r.Stats[7] = r.mean(false, all, ks, area("all"), maxIdx(md(1)))
	r.Stats[8] = r.mean(false, all, ks, area("all"), maxIdx(md(2)))
	r.Stats[9] = r.mean(false, all, ks, area("small"), maxIdx(md(2)))
	r.Stats[10] = r.mean(false, all, ks, area("medium"), maxIdx(md(2)))
	r.Stats[11] = r.mean(false, all, ks, area("large"), maxIdx(md(2)))
}

// perClass fills PerClass from the tables.
func (r *Result) perClass(gt *Dataset) {
	p := r.Params
	a := indexOf(p.AreaLabels, "all")
	if a < 0 {
		a = 0
	}
	m := indexOf(p.MaxDets, 100)
	if m < 0 {
		m = len(p.MaxDets) - 1
	}
	numGT := make(map[int64]int)
	images := make(map[int64]bool, len(gt.ImageIDs))
	for _, id := range gt.ImageIDs {
		images[id] = true
	}
	for _, an := range gt.Annotations {
		if !an.Crowd && images[an.ImageID] {
			numGT[an.CategoryID]++
		}
	}
	all := r.thresholdIndexes(0, true)
	t50, t75 := r.thresholdIndexes(.5, false), r.thresholdIndexes(.75, false)
	curve := func(ts []int, k int) []float64 {
		if len(ts) == 0 {
			return nil
		}
		c := make([]float64, r.dims[1])
		for q := range c {
			c[q] = r.Precision(ts[0], q, k, a, m)
		}
		return c
	}
	r.PerClass = make([]ClassResult, len(r.CategoryIDs))
	for k, id := range r.CategoryIDs {
		ks := []int{k}
		r.PerClass[k] = ClassResult{
			CategoryID: id,
			Name:       gt.CategoryName(id),
			NumGT:      numGT[id],
			AP:         r.mean(true, all, ks, a, m),
			AP50:       r.mean(true, t50, ks, a, m),
			AP75:       r.mean(true, t75, ks, a, m),
			AR:         r.mean(false, all, ks, a, m),
			PR50:       curve(t50, k),
			PR75:       curve(t75, k),
		}
	}
}
