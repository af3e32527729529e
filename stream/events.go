package stream

import (
	"time"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/net/detect"
)

// EventEngine tracks a frame's detections and turns them into events
// (events.Engine is one). The publishing stage calls it once per frame, in
// frame order.
type EventEngine interface {
	// Process filters dets in place (masks, labels, per-label minimums),
	// sets each kept detection's Track and returns the kept detections and
	// the events this frame caused. Both slices may be reused by the next
	// call.
	Process(frame uint64, t time.Time, dets []detect.Detection) (kept []detect.Detection, evs []events.Event)
	// Snapshots lists the tracks whose best frame so far is the one just
	// processed; the pipeline encodes that frame once and saves it under
	// each EventID.
	Snapshots() []events.Snap
	// EndAll ends every tracked object (the camera went down) and returns
	// their end events, reused as Process's are.
	EndAll(frame uint64) []events.Event
	// Counts gives, per label, the objects tracked now (after the last
	// Process or EndAll), reused as Process's slices are.
	Counts() []events.Count
}

// SnapshotSaver keeps events' best frames. jpeg is only valid during the
// call: a saver copies what it keeps, and handles (logs) its own errors, so
// that a full disk never stops detection; it must not block for long (it
// runs on the publishing goroutine).
type SnapshotSaver interface {
	SaveSnapshot(eventID string, jpeg []byte)
}

// SnapshotSource serves events' snapshots (events.SnapshotStore is one).
type SnapshotSource interface {
	Get(eventID string) ([]byte, bool)
}
