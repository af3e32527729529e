package kernels

import "testing"

// coverJob records which part ran each index.
type coverJob struct{ owner []int }

func (c *coverJob) RunRange(part, lo, hi int) {
	for i := lo; i < hi; i++ {
		c.owner[i] = part + 1
	}
}

func TestParallelRangeCoversOnce(t *testing.T) {
	for threads := 1; threads <= 4; threads++ {
		e := NewEngine(generic, threads)
		for _, n := range []int{0, 1, 3, 7, 64} {
			job := &coverJob{owner: make([]int, n)}
			e.ParallelRange(job, n)
			parts := map[int]bool{}
			for i, o := range job.owner {
				if o == 0 {
					t.Fatalf("threads %d n %d: index %d not run", threads, n, i)
				}
				parts[o] = true
			}
			if want := min(threads, n); len(parts) != want {
				t.Fatalf("threads %d n %d: %d parts, want %d", threads, n, len(parts), want)
			}
		}
		job := &coverJob{owner: make([]int, 64)}
		if a := testing.AllocsPerRun(10, func() { e.ParallelRange(job, 64) }); a != 0 {
			t.Fatalf("ParallelRange allocates %v times", a)
		}
		e.Close()
	}
}
