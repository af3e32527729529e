package boxes

import "slices"

// candidate is one (anchor, class) score of a level: idx is its position in
// torchvision's flattened (H, W, A, K) order.
type candidate struct {
	score float32
	idx   int
}

// worse orders candidates as the top-k keeps them: lower score first, and
// among equal scores the later index (ties go to the lower index, so the
// result is deterministic where torch.topk leaves the order unspecified).
func worse(a, b candidate) bool {
	return a.score < b.score || (a.score == b.score && a.idx > b.idx)
}

// topK keeps the k best candidates offered, in a binary heap whose root is
// the worst one kept.
type topK struct {
	k    int
	heap []candidate
}

func (t *topK) reset(k int) {
	t.k = k
	t.heap = t.heap[:0]
}

func (t *topK) full() bool { return len(t.heap) >= t.k }

// worst is the root: the candidate the next better offer replaces.
func (t *topK) worst() candidate { return t.heap[0] }

func (t *topK) offer(c candidate) {
	h := t.heap
	if len(h) < t.k {
		h = append(h, c)
		for i := len(h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !worse(h[i], h[parent]) {
				break
			}
			h[i], h[parent] = h[parent], h[i]
			i = parent
		}
		t.heap = h
		return
	}
	if t.k == 0 || !worse(h[0], c) {
		return
	}
	h[0] = c
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && worse(h[r], h[l]) {
			m = r
		}
		if !worse(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// sorted returns the kept candidates best first (score descending, then
// index ascending), as torch.topk's sorted output.
func (t *topK) sorted() []candidate {
	slices.SortFunc(t.heap, func(a, b candidate) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	return t.heap
}
