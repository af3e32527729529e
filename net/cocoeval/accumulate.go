package cocoeval

import "sort"

// eps is np.spacing(1), which keeps 0/0 out of the precision.
const eps = 2.220446049250313e-16

// accumulate turns the per-image matches into precision at every recall
// threshold and the final recall, for every IoU threshold, category, area
// range and maxDets (COCOeval.accumulate). Settings without any counted
// ground truth stay -1.
func accumulate(evals []*imageEval, p Params, I, K int) *Result {
	T, R, A, M := len(p.IoUThrs), len(p.RecThrs), len(p.AreaRanges), len(p.MaxDets)
	r := &Result{Params: p, dims: [5]int{T, R, K, A, M}}
	r.precision = make([]float64, T*R*K*A*M)
	r.recall = make([]float64, T*K*A*M)
	for i := range r.precision {
		r.precision[i] = -1
	}
	for i := range r.recall {
		r.recall[i] = -1
	}
	var (
		scores          []float64
		matched, ignore [][]bool
		order           []int
		tp, fp, rc, pr  []float64
	)
	for k := 0; k < K; k++ {
		for a := 0; a < A; a++ {
			E := make([]*imageEval, 0, I)
			for _, e := range evals[(k*A+a)*I : (k*A+a+1)*I] {
				if e != nil {
					E = append(E, e)
				}
			}
			if len(E) == 0 {
				continue
			}
			npig := 0
			for _, e := range E {
				for _, ig := range e.gtIgnore {
					if !ig {
						npig++
					}
				}
			}
			for m, maxDet := range p.MaxDets {
				if npig == 0 {
					continue
				}
				// Concatenate each image's first maxDet detections, then sort
				// them all by score, stably (images in id order break ties).
				scores = scores[:0]
				type src struct {
					e *imageEval
					d int
				}
				var srcs []src
				for _, e := range E {
					n := min(len(e.scores), maxDet)
					for d := 0; d < n; d++ {
						scores = append(scores, e.scores[d])
						srcs = append(srcs, src{e, d})
					}
				}
				nd := len(scores)
				order = order[:0]
				for j := 0; j < nd; j++ {
					order = append(order, j)
				}
				sort.SliceStable(order, func(x, y int) bool { return scoreBefore(scores[order[x]], scores[order[y]]) })
				matched = grow2(matched, T, nd)
				ignore = grow2(ignore, T, nd)
				for j, o := range order {
					s := srcs[o]
					D := len(s.e.scores)
					for t := 0; t < T; t++ {
						matched[t][j] = s.e.matched[t*D+s.d]
						ignore[t][j] = s.e.dtIgnore[t*D+s.d]
					}
				}
				tp, fp, rc, pr = grow(tp, nd), grow(fp, nd), grow(rc, nd), grow(pr, nd)
				for t := 0; t < T; t++ {
					var tpSum, fpSum float64
					for j := 0; j < nd; j++ {
						if !ignore[t][j] {
							if matched[t][j] {
								tpSum++
							} else {
								fpSum++
							}
						}
						tp[j], fp[j] = tpSum, fpSum
						rc[j] = tp[j] / float64(npig)
						pr[j] = tp[j] / (fp[j] + tp[j] + eps)
					}
					ri := r.recallIndex(t, k, a, m)
					if nd > 0 {
						r.recall[ri] = rc[nd-1]
					} else {
						r.recall[ri] = 0
					}
					// The precision envelope: best precision at any higher recall.
					for j := nd - 1; j > 0; j-- {
						if pr[j] > pr[j-1] {
							pr[j-1] = pr[j]
						}
					}
					// np.searchsorted(rc, recThrs, side='left'); thresholds past
					// the last recall reached keep precision 0.
					j := 0
					for q, thr := range p.RecThrs {
						for j < nd && rc[j] < thr {
							j++
						}
						v := 0.0
						if j < nd {
							v = pr[j]
						}
						r.precision[r.precisionIndex(t, q, k, a, m)] = v
					}
				}
			}
		}
	}
	return r
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func grow2(s [][]bool, rows, n int) [][]bool {
	if len(s) < rows {
		s = make([][]bool, rows)
	}
	for t := range s[:rows] {
		if cap(s[t]) < n {
			s[t] = make([]bool, n)
		}
		s[t] = s[t][:n]
	}
	return s
}
