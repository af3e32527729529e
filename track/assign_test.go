package track

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteForce returns the least total cost of an n x n assignment.
func bruteForce(cost []float64, n int) float64 {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	best := math.Inf(1)
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			s := 0.0
			for i, j := range perm {
				s += cost[i*n+j]
			}
			best = min(best, s)
			return
		}
		for i := k; i < n; i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	return best
}

// Rectangular problems (fewer rows than columns) against brute force.
func TestHungarianRectangular(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var h hungarian
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(4)
		m := n + rng.IntN(4)
		cost := make([]float64, n*m)
		for i := range cost {
			cost[i] = float64(rng.IntN(10))
		}
		got := 0.0
		seen := map[int]bool{}
		for i, j := range h.solve(cost, n, m) {
			if seen[j] || j < 0 || j >= m {
				t.Fatalf("bad column %d", j)
			}
			seen[j] = true
			got += cost[i*m+j]
		}
		// Brute force: pad to m x m with zero rows.
		sq := make([]float64, m*m)
		for i := 0; i < n; i++ {
			copy(sq[i*m:], cost[i*m:(i+1)*m])
		}
		if want := bruteForce(sq, m); got != want {
			t.Fatalf("trial %d: %g, optimum %g", trial, got, want)
		}
	}
}

func TestHungarianIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h hungarian
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(7)
		cost := make([]float64, n*n)
		for i := range cost {
			cost[i] = float64(rng.IntN(10)) // ties on purpose
		}
		rowCol := h.solve(cost, n, n)
		seen := make([]bool, n)
		got := 0.0
		for i, j := range rowCol {
			if seen[j] {
				t.Fatalf("column %d assigned twice: %v", j, rowCol)
			}
			seen[j] = true
			got += cost[i*n+j]
		}
		if want := bruteForce(cost, n); got != want {
			t.Fatalf("trial %d: cost %g, optimum %g (%v)", trial, got, want, cost)
		}
	}
}

// The matcher maximises total IoU over pairs at or above the threshold; a
// greedy choice would take the best single pair and lose the second.
func TestMatcherPrefersTotalIoU(t *testing.T) {
	var m matcher
	iou := m.reset(2, 2)
	copy(iou, []float32{
		0.9, 0.6,
		0.7, 0.0,
	})
	got := m.solve(2, 2, 0.3)
	if got[0] != 1 || got[1] != 0 {
		t.Fatalf("rows matched to %v, want [1 0] (0.6+0.7 beats 0.9 alone)", got)
	}
	// Below the threshold nothing pairs, even if it is the only choice.
	iou = m.reset(2, 3)
	copy(iou, []float32{
		0.29, 0, 0,
		0, 0, 0.31,
	})
	got = m.solve(2, 3, 0.3)
	if got[0] != -1 || got[1] != 2 {
		t.Fatalf("rows matched to %v, want [-1 2]", got)
	}
}

// Against brute force over random sparse IoU matrices.
func TestMatcherIsOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var m matcher
	for trial := 0; trial < 300; trial++ {
		rows, cols := 1+rng.IntN(5), 1+rng.IntN(5)
		iou := m.reset(rows, cols)
		for i := range iou {
			if rng.IntN(2) == 0 {
				iou[i] = float32(rng.IntN(10)) / 10
			} else {
				iou[i] = 0
			}
		}
		in := append([]float32(nil), iou...)
		const thresh = 0.3
		got := m.solve(rows, cols, thresh)
		total, used := 0.0, map[int]bool{}
		for r, c := range got {
			if c < 0 {
				continue
			}
			if used[c] || in[r*cols+c] < thresh {
				t.Fatalf("bad pair %d-%d in %v", r, c, got)
			}
			used[c] = true
			total += 1 - float64(in[r*cols+c]) - (1 - thresh) // gain over leaving both unmatched
		}
		if want := bestGain(in, rows, cols, thresh); math.Abs(total-want) > 1e-6 {
			t.Fatalf("trial %d: gain %g, optimum %g", trial, total, want)
		}
	}
}

// bestGain is the optimal sum of (1-iou) - (1-thresh) over valid pairs, by
// exhaustive search.
func bestGain(iou []float32, rows, cols int, thresh float32) float64 {
	used := make([]bool, cols)
	var rec func(r int) float64
	rec = func(r int) float64 {
		if r == rows {
			return 0
		}
		best := rec(r + 1)
		for c := 0; c < cols; c++ {
			if !used[c] && iou[r*cols+c] >= thresh {
				used[c] = true
				best = min(best, 1-float64(iou[r*cols+c])-(1-float64(thresh))+rec(r+1))
				used[c] = false
			}
		}
		return best
	}
	return rec(0)
}
