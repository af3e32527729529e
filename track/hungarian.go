package track

import "math"

// hungarian solves square assignment problems (minimum total cost, every
// row to a distinct column) with the shortest-augmenting-path form of the
// Hungarian algorithm (Jonker-Volgenant's potentials; O(n^3)). Its buffers
// are kept between calls, so solving problems no larger than one already
// seen allocates nothing.
type hungarian struct {
	u, v, minv   []float64
	p, way, rows []int
	used         []bool
}

// grow makes the buffers hold an n x n problem.
func (h *hungarian) grow(n int) {
	if cap(h.u) >= n+1 {
		h.u, h.v, h.minv = h.u[:n+1], h.v[:n+1], h.minv[:n+1]
		h.p, h.way, h.rows, h.used = h.p[:n+1], h.way[:n+1], h.rows[:n], h.used[:n+1]
		return
	}
	h.u, h.v, h.minv = make([]float64, n+1), make([]float64, n+1), make([]float64, n+1)
	h.p, h.way, h.rows, h.used = make([]int, n+1), make([]int, n+1), make([]int, n), make([]bool, n+1)
}

// solve assigns the rows of the n x n row-major cost matrix; the result,
// rowCol[i] = the column of row i, is reused by the next call.
func (h *hungarian) solve(cost []float64, n int) (rowCol []int) {
	h.grow(n)
	u, v, p, way, minv, used := h.u, h.v, h.p, h.way, h.minv, h.used
	for j := range u {
		u[j], v[j], p[j], way[j] = 0, 0, 0, 0
	}
	// 1-based: column 0 is the virtual start of each augmenting path.
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = math.Inf(1), false
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			row := cost[(i0-1)*n:]
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				if cur := row[j-1] - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	for j := 1; j <= n; j++ {
		if p[j] > 0 {
			h.rows[p[j]-1] = j - 1
		}
	}
	return h.rows
}
