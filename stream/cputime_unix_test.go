//go:build unix

package stream

import (
	"syscall"
	"time"
)

// processCPUTime is the user+system CPU time of this process: on a shared
// machine it shows the work done better than the wall clock.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
