package kernels

// splitTiles divides a grid of mt x nt register tiles among at most threads
// tasks, as tm row groups times tn column groups. It minimises the largest
// task and, on ties, prefers column groups: they share the packed A, while
// row groups would each pack the same B again.
func splitTiles(mt, nt, threads int) (tm, tn int) {
	best := -1
	for rows := 1; rows <= threads; rows++ {
		cols := threads / rows
		rows, cols := min(rows, mt), min(cols, nt)
		load := ceilDiv(mt, rows) * ceilDiv(nt, cols)
		if best < 0 || load < best || (load == best && cols > tn) {
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
