package camera

import "time"

// Status is a live source's health, for metrics and the preview.
type Status struct {
	Up         bool      // frames are arriving
	Since      time.Time // when Up last changed
	LastFrame  time.Time // when the newest frame arrived (zero before the first)
	Reconnects uint64    // connections or devices re-opened after a loss
	Stalls     uint64    // times no frame came within the stall timeout
	Err        string    // the last error while down, for display
}

// StatusReporter is implemented by sources that report their health (every
// live source Open returns). Status is safe from any goroutine.
type StatusReporter interface {
	Status() Status
}
