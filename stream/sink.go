package stream

import (
	"time"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/net/detect"
)

// Result is one processed frame: its sequence number, capture time, size and
// detections in original pixels. Sinks must not keep it after Publish returns
// (the pipeline recycles it); copy what they need.
type Result struct {
	Frame         uint64
	Time          time.Time
	Width, Height int
	Detections    []detect.Detection
	// Events are the tracked objects' events this frame caused (empty when
	// events are off or nothing changed).
	Events []events.Event
}

// Sink receives every processed frame's result.
type Sink interface {
	Publish(r *Result) error
	Close() error
}
