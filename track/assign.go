package track

// matcher pairs tracks (rows) with detections (columns) given their IoU,
// maximising the total IoU of the pairs whose IoU reaches a threshold: the
// optimal assignment ByteTrack gets from lapjv with a cost limit. A pair
// below the threshold is never made, so the problem splits into the
// connected components of the "could match" graph, which are tiny when
// objects are apart; each component is solved exactly on its own.
type matcher struct {
	iou        []float32 // rows x cols
	parent     []int     // union-find over rows then columns
	order      []int     // node indexes sorted by component
	start      []int     // per component root: first index in order
	sub        []float64 // a component's cost matrix
	subR, subC []int     // a component's rows and columns
	h          hungarian
	rowMatch   []int // result: column per row, or -1
}

// reset sizes the matcher for rows x cols and returns the IoU matrix to fill.
func (m *matcher) reset(rows, cols int) []float32 {
	m.iou = grow(m.iou, rows*cols)
	m.rowMatch = grow(m.rowMatch, rows)
	for i := range m.rowMatch {
		m.rowMatch[i] = -1
	}
	return m.iou
}

// grow returns s resized to n, reallocating only when it is too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n, n+n/2)
	}
	return s[:n]
}

func (m *matcher) find(x int) int {
	for m.parent[x] != x {
		m.parent[x] = m.parent[m.parent[x]]
		x = m.parent[x]
	}
	return x
}

// solve matches rows to columns where iou >= thresh (filled through reset)
// and returns the column of each row, or -1; the slice is reused.
func (m *matcher) solve(rows, cols int, thresh float32) []int {
	n := rows + cols
	m.parent = grow(m.parent, n)
	for i := range m.parent {
		m.parent[i] = i
	}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if m.iou[r*cols+c] >= thresh {
				a, b := m.find(r), m.find(rows+c)
				if a != b {
					m.parent[a] = b
				}
			}
		}
	}
	// Group nodes by root with a counting sort.
	m.start = grow(m.start, n+1)
	clear(m.start)
	for i := 0; i < n; i++ {
		m.start[m.find(i)+1]++
	}
	for i := 1; i <= n; i++ {
		m.start[i] += m.start[i-1]
	}
	m.order = grow(m.order, n)
	for i := 0; i < n; i++ {
		r := m.find(i)
		m.order[m.start[r]] = i
		m.start[r]++
	}
	// start[r] now holds the end of r's group; walk the groups in order.
	begin := 0
	for begin < n {
		end := m.start[m.find(m.order[begin])]
		m.component(m.order[begin:end], rows, cols, thresh)
		begin = end
	}
	return m.rowMatch
}

// component solves one group of nodes (rows are < rows, columns after).
func (m *matcher) component(nodes []int, rows, cols int, thresh float32) {
	m.subR, m.subC = m.subR[:0], m.subC[:0]
	for _, x := range nodes {
		if x < rows {
			m.subR = append(m.subR, x)
		} else {
			m.subC = append(m.subC, x-rows)
		}
	}
	nr, nc := len(m.subR), len(m.subC)
	if nr == 0 || nc == 0 {
		return
	}
	if nr == 1 && nc == 1 { // the common case: one track, one detection
		m.rowMatch[m.subR[0]] = m.subC[0]
		return
	}
	// Costs are 1-IoU capped at 1-thresh, the cost of leaving a track and a
	// detection unmatched; a pair at the cap is dropped after solving. This
	// is lapjv's cost limit (padding with dummy rows and columns costing
	// half the limit) without the padding: with no more rows than columns,
	// every matching's padded cost is its capped cost plus a constant, so
	// both have the same optimum, at an eighth of the work.
	limit := 1 - float64(thresh)
	transpose := nr > nc
	h, w := nr, nc
	if transpose {
		h, w = nc, nr
	}
	m.sub = grow(m.sub, h*w)
	for i := 0; i < nr; i++ {
		for j := 0; j < nc; j++ {
			iou := m.iou[m.subR[i]*cols+m.subC[j]]
			c := limit
			if iou >= thresh {
				c = min(1-float64(iou), limit)
			}
			if transpose {
				m.sub[j*w+i] = c
			} else {
				m.sub[i*w+j] = c
			}
		}
	}
	for a, b := range m.h.solve(m.sub, h, w) {
		i, j := a, b
		if transpose {
			i, j = b, a
		}
		if r, c := m.subR[i], m.subC[j]; m.iou[r*cols+c] >= thresh {
			m.rowMatch[r] = c
		}
	}
}

// IoU is the intersection over union of two x1, y1, x2, y2 boxes (0 when
// either is empty).
func IoU(a, b [4]float32) float32 {
	iw := min(a[2], b[2]) - max(a[0], b[0])
	ih := min(a[3], b[3]) - max(a[1], b[1])
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	union := (a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}
