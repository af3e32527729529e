//go:build !unix

package quant

import "time"

// processCPUTime is unavailable here; benchmarks then report 0 CPU time.
func processCPUTime() time.Duration { return 0 }
