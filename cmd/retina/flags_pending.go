package main

import "runtime"

// defaultThreads uses every core: detection is the machine's main job.
func defaultThreads() int { return runtime.NumCPU() }
