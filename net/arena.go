package net

import "sort"

// arena lays out a forward pass's buffers in one allocation by liveness:
// each buffer is live over a range of steps of the declared topology (stem,
// pool, the four stages, FPN, heads), and two buffers share memory only
// when their ranges do not meet. Buffers are placed largest first, each at
// the lowest offset clear of every placed buffer it is live with.
type arena struct {
	bufs []arenaBuf
	size int // floats, after place
}

type arenaBuf struct {
	dst         *[]float32
	n           int
	first, last int // live over steps first..last
	off         int
}

// The steps of a forward pass, in order.
const (
	stepStem   = iota // the stem conv
	stepPool          // the max-pool
	stepStage0        // stage s runs at stepStage0+s
	stepFPN    = stepStage0 + 4
	stepHeadIn = stepFPN + 1 // the heads' first input transform, the pyramid's last read
	stepHeads  = stepFPN + 2 // the rest of the heads
)

// add asks for n floats live over steps first..last, set into *dst by alloc.
func (a *arena) add(dst *[]float32, n, first, last int) {
	a.bufs = append(a.bufs, arenaBuf{dst: dst, n: n, first: first, last: last})
}

// place gives every buffer its offset and returns the floats needed.
func (a *arena) place() int {
	order := make([]*arenaBuf, len(a.bufs))
	for i := range a.bufs {
		order[i] = &a.bufs[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].n > order[j].n })
	var placed []*arenaBuf
	a.size = 0
	for _, b := range order {
		// Lowest offset clear of the live-together buffers: try 0 and the end
		// of each of them, in order.
		var live []*arenaBuf
		for _, o := range placed {
			if o.first <= b.last && b.first <= o.last {
				live = append(live, o)
			}
		}
		sort.Slice(live, func(i, j int) bool { return live[i].off < live[j].off })
		off := 0
		for _, o := range live {
			if off+b.n <= o.off {
				break
			}
			off = max(off, o.off+o.n)
		}
		b.off = off
		placed = append(placed, b)
		a.size = max(a.size, off+b.n)
	}
	return a.size
}

// alloc allocates the arena (place first) and hands out the buffers, each
// capped at its own length.
func (a *arena) alloc() {
	data := make([]float32, a.size)
	for _, b := range a.bufs {
		*b.dst = data[b.off : b.off+b.n : b.off+b.n]
	}
}
