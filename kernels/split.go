package kernels

// splitTiles divides a grid of mt x nt register tiles among at most threads
// tasks, as tm row groups times tn column groups. It minimises the largest
// task, but prefers column groups unless more row groups shorten the largest
// task by over 1/8: column groups share the packed A, while row groups each
// pack the same B again (measured on avx512 at 256x1600x2304: 2 threads give
// x1.81 split by columns, x1.64 by rows, though the rows' largest task was
// 2% smaller).
func splitTiles(mt, nt, threads int) (tm, tn int) {
	best := -1
	for rows := 1; rows <= threads; rows++ {
		cols := threads / rows
		rows, cols := min(rows, mt), min(cols, nt)
		load := ceilDiv(mt, rows) * ceilDiv(nt, cols)
		better := load < best
		switch {
		case cols > tn:
			better = load*8 <= best*9
		case cols < tn:
			better = load*9 < best*8
		}
		if best < 0 || better {
			best, tm, tn = load, rows, cols
		}
	}
	return tm, tn
}

// share returns the half-open range of group g among groups that split
// count tiles as evenly as possible, in tiles.
func share(count, groups, g int) (lo, hi int) {
	return g * count / groups, (g + 1) * count / groups
}
