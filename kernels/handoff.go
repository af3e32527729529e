package kernels

import (
	"runtime"
	"time"
)

// spinFor is how long an engine's threads poll for their next task, or
// for their helpers to finish, before they block. A blocked thread's core
// may halt, and waking it costs more than the work of a small GEMM
// (BenchmarkWinogradProducts: on this 2-core VM, blocking, the heads' 16
// GEMMs ran no faster on two threads than on one). The parallel calls of
// one forward pass follow each other closely, so the poll nearly always
// ends in work; after the last call of a pass each thread burns at most
// spinFor.
const spinFor = 200 * time.Microsecond

// receive returns the next value sent on ch, or ok false once ch is closed
// and drained. It polls for spin, yielding now and then so that other
// goroutines on the same thread still run, then blocks.
func receive[T any](ch chan T, spin time.Duration) (v T, ok bool) {
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
		} else if time.Since(start) > spin {
			break
		}
		runtime.Gosched()
	}
	v, ok = <-ch
	return v, ok
}
