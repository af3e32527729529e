//go:build unix

package quant

import (
	"syscall"
	"time"
)

// processCPUTime is the user+system CPU time this process has used: on a
// busy machine it tracks the work done better than the wall clock does.
func processCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
