package track

import "fmt"

// Object is one box in one frame for evaluation: a ground-truth object or a
// tracker's output. Objects match only within the same Class.
type Object struct {
	ID    int
	Class int
	Box   [4]float32
}

// Metrics are the standard multi-object tracking measures over a sequence.
type Metrics struct {
	Frames int
	GT     int // ground-truth boxes
	Hyp    int // tracker boxes
	// CLEAR-MOT (Bernardin & Stiefelhagen 2008).
	Matches int // ground-truth boxes matched to a tracker box
	FP      int // tracker boxes matched to nothing
	FN      int // ground-truth boxes missed
	IDSW    int // a ground-truth object matched to a different id than the last time it was matched
	Frag    int // a ground-truth trajectory's tracking interrupted and resumed
	MOTA    float64
	MOTP    float64 // mean IoU of the matches
	// Identity measures (Ristani et al. 2016): ids matched one to one
	// over the whole sequence so as to maximise the agreeing boxes.
	IDTP, IDFP, IDFN int
	IDF1, IDP, IDR   float64
	// GTTracks and HypTracks count distinct ids.
	GTTracks, HypTracks int
}

// String is a one-line summary.
func (m Metrics) String() string {
	return fmt.Sprintf("MOTA %.3f IDF1 %.3f IDSW %d Frag %d FP %d FN %d (GT %d boxes, %d tracks; %d tracker ids)",
		m.MOTA, m.IDF1, m.IDSW, m.Frag, m.FP, m.FN, m.GT, m.GTTracks, m.HypTracks)
}

// gtState is one ground-truth id's history during evaluation.
type gtState struct {
	lastHyp int  // the tracker id it was last matched to (0: never)
	tracked bool // matched at least once
	gap     bool // unmatched since it was last matched
}

type pair struct{ gt, hyp int }

// Evaluator accumulates a sequence frame by frame (Add) and computes the
// metrics (Result). Matching needs IoU >= Thresh (0.5 when zero).
type Evaluator struct {
	Thresh float32
	m      Metrics
	gts    map[int]*gtState
	hyps   map[int]bool
	agree  map[pair]int // frames where a gt id and a tracker id overlap
	iouSum float64
	match  matcher
}

// Add evaluates one frame. IDs must be unique within gt and within hyp.
func (e *Evaluator) Add(gt, hyp []Object) {
	if e.gts == nil {
		e.gts, e.hyps, e.agree = map[int]*gtState{}, map[int]bool{}, map[pair]int{}
	}
	th := e.Thresh
	if th == 0 {
		th = 0.5
	}
	e.m.Frames++
	e.m.GT += len(gt)
	e.m.Hyp += len(hyp)
	for _, h := range hyp {
		e.hyps[h.ID] = true
	}
	iou := func(g, h Object) float32 {
		if g.Class != h.Class {
			return 0
		}
		return IoU(g.Box, h.Box)
	}
	// Identity measures count every overlapping pair of ids.
	for _, g := range gt {
		for _, h := range hyp {
			if iou(g, h) >= th {
				e.agree[pair{g.ID, h.ID}]++
			}
		}
	}
	gtHyp := make([]int, len(gt)) // index into hyp, or -1
	hypUsed := make([]bool, len(hyp))
	for i, g := range gt {
		gtHyp[i] = -1
		s := e.gts[g.ID]
		if s == nil {
			s = &gtState{}
			e.gts[g.ID] = s
		}
		// CLEAR-MOT keeps a correspondence while it still holds (the last
		// one, even across a gap, as py-motmetrics does).
		if s.tracked {
			for j, h := range hyp {
				if h.ID == s.lastHyp && !hypUsed[j] && iou(g, h) >= th {
					gtHyp[i], hypUsed[j] = j, true
				}
			}
		}
	}
	// The rest by optimal assignment on IoU.
	var rows, cols []int
	for i := range gt {
		if gtHyp[i] < 0 {
			rows = append(rows, i)
		}
	}
	for j := range hyp {
		if !hypUsed[j] {
			cols = append(cols, j)
		}
	}
	if len(rows) > 0 && len(cols) > 0 {
		m := e.match.reset(len(rows), len(cols))
		for r, i := range rows {
			for c, j := range cols {
				m[r*len(cols)+c] = iou(gt[i], hyp[j])
			}
		}
		for r, c := range e.match.solve(len(rows), len(cols), th) {
			if c >= 0 {
				gtHyp[rows[r]], hypUsed[cols[c]] = cols[c], true
			}
		}
	}
	for i, g := range gt {
		s := e.gts[g.ID]
		j := gtHyp[i]
		if j < 0 {
			e.m.FN++
			if s.tracked {
				s.gap = true
			}
			continue
		}
		h := hyp[j]
		e.m.Matches++
		e.iouSum += float64(iou(g, h))
		if s.tracked && s.lastHyp != h.ID {
			e.m.IDSW++
		}
		if s.gap {
			e.m.Frag++
		}
		s.lastHyp, s.tracked, s.gap = h.ID, true, false
	}
	for j := range hyp {
		if !hypUsed[j] {
			e.m.FP++
		}
	}
}

// Result returns the metrics of the frames added so far.
func (e *Evaluator) Result() Metrics {
	m := e.m
	m.GTTracks, m.HypTracks = len(e.gts), len(e.hyps)
	if m.GT > 0 {
		m.MOTA = 1 - float64(m.FN+m.FP+m.IDSW)/float64(m.GT)
	}
	if m.Matches > 0 {
		m.MOTP = e.iouSum / float64(m.Matches)
	}
	m.IDTP = e.bestIdentityMatch()
	m.IDFN, m.IDFP = m.GT-m.IDTP, m.Hyp-m.IDTP
	if m.GT+m.Hyp > 0 {
		m.IDF1 = 2 * float64(m.IDTP) / float64(m.GT+m.Hyp)
	}
	if m.Hyp > 0 {
		m.IDP = float64(m.IDTP) / float64(m.Hyp)
	}
	if m.GT > 0 {
		m.IDR = float64(m.IDTP) / float64(m.GT)
	}
	return m
}

// bestIdentityMatch pairs ground-truth ids with tracker ids one to one so
// that the frames they agree on add up to the most, and returns that sum.
func (e *Evaluator) bestIdentityMatch() int {
	gIndex, hIndex := map[int]int{}, map[int]int{}
	for p := range e.agree {
		if _, ok := gIndex[p.gt]; !ok {
			gIndex[p.gt] = len(gIndex)
		}
		if _, ok := hIndex[p.hyp]; !ok {
			hIndex[p.hyp] = len(hIndex)
		}
	}
	n := max(len(gIndex), len(hIndex))
	if n == 0 {
		return 0
	}
	cost := make([]float64, n*n) // padding rows and columns cost 0
	for p, count := range e.agree {
		cost[gIndex[p.gt]*n+hIndex[p.hyp]] = -float64(count)
	}
	var h hungarian
	total := 0
	for i, j := range h.solve(cost, n, n) {
		total -= int(cost[i*n+j])
	}
	return total
}
