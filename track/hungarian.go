package track

import "math"

// hungarian solves rectangular assignment problems with no more rows than
// columns (minimum total cost, every row to a distinct column) with the shortest-augmenting-path form of the
// Hungarian algorithm (Jonker-Volgenant potentials; O(n^2 m)). Its buffers
// are kept between calls, so solving problems no larger than one already
// seen allocates nothing.
type hungarian struct {
	u, v, minv   []float64
	p, way, rows []int
	used         []bool
}

// grow makes the buffers hold an n x m problem.
func (h *hungarian) grow(n, m int) {
	h.u = grow(h.u, n+1)
	h.v, h.minv = grow(h.v, m+1), grow(h.minv, m+1)
	h.p, h.way, h.used = grow(h.p, m+1), grow(h.way, m+1), grow(h.used, m+1)
	h.rows = grow(h.rows, n)
}

// solve assigns the rows of the n x m row-major cost matrix (n <= m); the
// result, rowCol[i] = the column of row i, is reused by the next call.
func (h *hungarian) solve(cost []float64, n, m int) (rowCol []int) {
	h.grow(n, m)
	u, v, p, way, minv, used := h.u, h.v, h.p, h.way, h.minv, h.used
	clear(u)
	clear(v)
	clear(p)
	clear(way)
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
			row := cost[(i0-1)*m:]
			for j := 1; j <= m; j++ {
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
			for j := 0; j <= m; j++ {
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
	for j := 1; j <= m; j++ {
		if p[j] > 0 {
			h.rows[p[j]-1] = j - 1
		}
	}
	return h.rows
}
