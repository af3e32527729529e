package kernels

import (
	"runtime"
	"time"
)

// spinFor is how long a thread polls for its next task, or for its
// helpers to finish, before it blocks. A blocked thread's core may halt,
// and waking it costs more than the work of a small GEMM: on this 2-core
// VM, 16 GEMMs of 256x512x256 ran no faster on two threads than on one
// (about 125 us of each 310 us call went to waking the other thread).
// The parallel calls of one forward pass follow each other closely, so the
// poll nearly always ends in work; after the last call of a pass each
// thread burns at most spinFor.
const spinFor = 200 * time.Microsecond

// receive returns the next value sent on ch, or ok false once ch is closed
// and drained. It polls for spinFor, yielding now and then so that other
// goroutines on the same thread still run, then blocks.
func receive[T any](ch chan T) (v T, ok bool) {
	var start time.Time
	for i := 1; ; i++ {
		select {
		case v, ok = <-ch:
			return v, ok
		default:
		}
		if i%64 != 0 {
			continue
		}
		if start.IsZero() {
			start = time.Now()
		} else if time.Since(start) > spinFor {
			break
		}
		runtime.Gosched()
	}
	v, ok = <-ch
	return v, ok
}
