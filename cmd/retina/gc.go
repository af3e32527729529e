package main

import (
	"os"
	"runtime/debug"
)

// gcPercent is the binary's GOGC unless the environment sets one. A model
// runs allocation-free once planned, so the collector's pace matters only
// while a model loads: there Go's default of 100 lets the unpacked weights
// already packed pile up to the size of everything live before a cycle
// frees them, which is the peak resident memory a small board sees
// (ResNet-18-FPN/80 at 320, bench model: 140 MB at 100, 127 MB at 20). 20 keeps the heap
// within 1.2x of what is live; no soft memory limit is set, since a model
// larger than any fixed limit would make the collector run back to back.
const gcPercent = 20

// setGCDefault applies gcPercent unless GOGC is set.
func setGCDefault() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}

// releaseLoadGarbage returns what loading a model left behind (unpacked
// weights, file bytes) to the OS before the first frame plans its buffers:
// the plan's arena is one large block, which the freed pieces could not
// hold, so without this both stay resident.
func releaseLoadGarbage() { debug.FreeOSMemory() }
