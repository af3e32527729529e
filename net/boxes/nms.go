package boxes

import (
	"cmp"
	"math"
	"slices"
)

// Suppressor runs non-maximum suppression with reusable buffers: once they
// have grown to the largest input seen, NMS and BatchedNMS allocate nothing.
// The zero value is ready to use; a Suppressor is not safe for concurrent use.
type Suppressor struct {
	ranked     []rankedScore // boxes by score, highest first
	groups     []groupedRank // ranks ordered by class, then rank
	shifted    []Box         // batched_nms's class-offset boxes
	gBoxes     []Box         // boxes of the current group, in group order
	gAreas     []float32
	suppressed []bool // by group position
	kept       []bool // by rank
}

type rankedScore struct {
	score float32
	idx   int32
}

type groupedRank struct {
	class int
	rank  int32
}

// NMS is torchvision.ops.nms: it returns into keep (reused) the indices of
// the boxes kept, highest score first. Boxes are visited by score with a
// stable sort (ties in index order); a box is dropped when its IoU with a
// kept box is > thresh, the IoU computed in float32 and compared in float64
// as torchvision's CPU kernel does.
func NMS(boxes []Box, scores []float32, thresh float64, keep []int) []int {
	var s Suppressor
	return s.NMS(boxes, scores, thresh, keep)
}

// BatchedNMS is torchvision.ops.batched_nms: NMS within each class only.
func BatchedNMS(boxes []Box, scores []float32, classes []int, thresh float64, keep []int) []int {
	var s Suppressor
	return s.BatchedNMS(boxes, scores, classes, thresh, keep)
}

// NMS is the package-level NMS with s's buffers.
func (s *Suppressor) NMS(boxes []Box, scores []float32, thresh float64, keep []int) []int {
	mustSameLen("NMS", len(boxes), len(scores))
	s.rank(scores)
	s.groups = s.groups[:0]
	for r := range s.ranked {
		s.groups = append(s.groups, groupedRank{0, int32(r)})
	}
	return s.suppress(boxes, thresh, keep)
}

// BatchedNMS is the package-level BatchedNMS with s's buffers. Like
// torchvision on the CPU it takes one of two paths: up to 1000 boxes, the
// coordinate trick (every box shifted by class*(max coordinate+1), then one
// NMS, whose float32 IoUs are those of the shifted boxes); above, plain NMS
// per class, the kept boxes then sorted by score.
func (s *Suppressor) BatchedNMS(boxes []Box, scores []float32, classes []int, thresh float64, keep []int) []int {
	mustSameLen("BatchedNMS", len(boxes), len(scores))
	mustSameLen("BatchedNMS", len(boxes), len(classes))
	if len(boxes) == 0 {
		return keep[:0]
	}
	s.rank(scores)
	byClass := true
	if 4*len(boxes) <= 4000 {
		boxes, byClass = s.shiftByClass(boxes, classes)
	}
	s.groups = s.groups[:0]
	for r, rs := range s.ranked {
		c := 0
		if byClass {
			c = classes[rs.idx]
		}
		s.groups = append(s.groups, groupedRank{c, int32(r)})
	}
	if byClass {
		slices.SortFunc(s.groups, func(a, b groupedRank) int {
			if a.class != b.class {
				return cmp.Compare(a.class, b.class)
			}
			return cmp.Compare(a.rank, b.rank)
		})
	}
	return s.suppress(boxes, thresh, keep)
}

// shiftByClass writes _batched_nms_coordinate_trick's boxes into s.shifted
// and reports whether classes can be suppressed separately: that is exact
// when no coordinate is negative and every shifted value is below 2^22,
// since then float32 rounding (at most 1/4) cannot close the gap of at least
// 1 between boxes of different classes, so their IoU is 0. Otherwise all
// boxes form one group, exactly as torchvision runs them.
func (s *Suppressor) shiftByClass(boxes []Box, classes []int) ([]Box, bool) {
	maxc := float32(math.Inf(-1))
	nonNegative := true
	for _, b := range boxes {
		for _, v := range b {
			if v != v {
				maxc = v // torch.max propagates NaN
			} else if maxc == maxc && v > maxc {
				maxc = v
			}
			if !(v >= 0) {
				nonNegative = false
			}
		}
	}
	step := maxc + 1
	const limit = 1 << 22
	separable := nonNegative && step < limit
	s.shifted = s.shifted[:0]
	for i, b := range boxes {
		off := float32(classes[i]) * step
		sb := Box{b[0] + off, b[1] + off, b[2] + off, b[3] + off}
		if !(abs32(off) < limit && abs32(sb[2]) < limit && abs32(sb[3]) < limit) {
			separable = false
		}
		s.shifted = append(s.shifted, sb)
	}
	return s.shifted, separable
}

func abs32(v float32) float32 { return float32(math.Abs(float64(v))) }

// rank sorts the box indices by score, highest first, NaN before all (as
// torch's descending sort), ties by index (torch's stable sort).
func (s *Suppressor) rank(scores []float32) {
	s.ranked = s.ranked[:0]
	for i, v := range scores {
		s.ranked = append(s.ranked, rankedScore{v, int32(i)})
	}
	slices.SortFunc(s.ranked, func(a, b rankedScore) int {
		an, bn := a.score != a.score, b.score != b.score
		switch {
		case an != bn:
			if an {
				return -1
			}
			return 1
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return cmp.Compare(a.idx, b.idx)
	})
}

// suppress runs greedy NMS within each run of s.groups of one class and
// returns the kept indices in rank order.
func (s *Suppressor) suppress(boxes []Box, thresh float64, keep []int) []int {
	n := len(s.ranked)
	s.kept = resize(s.kept, n)
	clear(s.kept)
	for start := 0; start < len(s.groups); {
		end := start + 1
		for end < len(s.groups) && s.groups[end].class == s.groups[start].class {
			end++
		}
		s.suppressGroup(boxes, s.groups[start:end], thresh)
		start = end
	}
	keep = keep[:0]
	for r, k := range s.kept {
		if k {
			keep = append(keep, int(s.ranked[r].idx))
		}
	}
	return keep
}

// suppressGroup is the loop of torchvision's nms_kernel over one group
// (the IoU as in intersection and IoU, written out for speed).
func (s *Suppressor) suppressGroup(boxes []Box, group []groupedRank, thresh float64) {
	m := len(group)
	s.gBoxes = resize(s.gBoxes, m)
	s.gAreas = resize(s.gAreas, m)
	s.suppressed = resize(s.suppressed, m)
	finite := true
	for p, g := range group {
		b := boxes[s.ranked[g.rank].idx]
		s.gBoxes[p] = b
		s.gAreas[p] = b.Area()
		s.suppressed[p] = false
		if b[0] != b[0] || b[1] != b[1] || b[2] != b[2] || b[3] != b[3] {
			finite = false
		}
	}
	gb, ga, sup := s.gBoxes[:m], s.gAreas[:m], s.suppressed[:m]
	// With a non-negative threshold a pair without overlap (inter = 0, IoU 0
	// or 0/0) can never suppress, so its division is skipped.
	skipDisjoint := thresh >= 0
	for i := range m {
		if sup[i] {
			continue
		}
		s.kept[group[i].rank] = true
		ix1, iy1, ix2, iy2, ai := gb[i][0], gb[i][1], gb[i][2], gb[i][3], ga[i]
		for j := i + 1; j < m; j++ {
			if sup[j] {
				continue
			}
			bj := &gb[j]
			var w, h float32
			if finite {
				// Go's min and max are branch-free; without NaNs they give
				// std::min/std::max's values (a zero's sign cannot survive
				// the subtraction and the clamp at 0).
				w = max(0, float32(min(ix2, bj[2])-max(ix1, bj[0])))
				if w == 0 && skipDisjoint {
					continue
				}
				h = max(0, float32(min(iy2, bj[3])-max(iy1, bj[1])))
			} else {
				w = cppMax(0, float32(cppMin(ix2, bj[2])-cppMax(ix1, bj[0])))
				h = cppMax(0, float32(cppMin(iy2, bj[3])-cppMax(iy1, bj[1])))
			}
			inter := float32(w * h)
			ovr := inter / float32(float32(ai+ga[j])-inter)
			if float64(ovr) > thresh {
				sup[j] = true
			}
		}
	}
}

// resize returns buf with length n, reallocating only when it must grow.
func resize[T any](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n, n+n/4)
	}
	return buf[:n]
}

// mustSameLen panics on mismatched parallel slices: a programming error in
// the caller, never a property of input data.
func mustSameLen(fn string, a, b int) {
	if a != b {
		panic("boxes." + fn + ": parallel slices differ in length")
	}
}
