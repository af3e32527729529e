// Package stagebench times the stages of a pass in a benchmark, so that
// `go test -cpu 1,2 -bench` shows how each stage scales with threads.
package stagebench

import (
	"testing"
	"time"
)

// Stage is one part of a pass: its name and the work.
type Stage struct {
	Name string
	Run  func()
}

// Time runs the stages in order b.N times and reports each one's wall
// milliseconds per pass as the metric NAME-ms.
func Time(b *testing.B, stages []Stage) {
	wall := make([]time.Duration, len(stages))
	b.ResetTimer()
	for range b.N {
		for i, s := range stages {
			t := time.Now()
			s.Run()
			wall[i] += time.Since(t)
		}
	}
	for i, s := range stages {
		b.ReportMetric(float64(wall[i].Microseconds())/1e3/float64(b.N), s.Name+"-ms")
	}
}
