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
	// Counts are the objects tracked now per label, as the events engine
	// counts them (confirmed tracks, including one missed for a frame or
	// two, so a count does not flicker); nil without an engine.
	Counts []events.Count
	// Frameless marks a result without a new picture: the camera went down
	// (or stalled) while objects were tracked, and Events end them all
	// (their whereabouts are unknown when it returns); Detections is empty
	// (nothing in view is known), Frame and the size are the last frame's,
	// Time is now.
	Frameless bool
}

// Sink receives every processed frame's result.
type Sink interface {
	Publish(r *Result) error
	Close() error
}
