//go:build !unix

package train

import "time"

// processCPUTime is unavailable here; benchmarks then report 0 CPU time.
func processCPUTime() time.Duration { return 0 }
