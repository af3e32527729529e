// Package events turns each frame's tracked detections into per-object
// events (new, update, end), applying zones, masks and per-label filters.
package events

import "time"

// Type says what happened to a tracked object.
type Type string

const (
	New    Type = "new"    // a track was confirmed
	Update Type = "update" // a material change: label, zones, or a better score
	End    Type = "end"    // the track ended (left view or lost)
)

// Event is one change of one tracked object, as --events prints it, the
// MQTT events topic carries it and /events lists it.
type Event struct {
	ID       string     `json:"id"`    // unique across the process's life: START_UNIX_MS-TRACK
	Type     Type       `json:"type"`  // new, update or end
	Track    int        `json:"track"` // the tracker's id (detect.Detection.Track)
	Label    string     `json:"label"`
	Score    float32    `json:"score"`     // this frame's score
	TopScore float32    `json:"top_score"` // best so far (the snapshot is of the best frame the snapshot interval let through)
	Box      [4]float32 `json:"box"`       // x1, y1, x2, y2 in frame pixels
	Zones    []string   `json:"zones"`     // zones the box is in now (never nil)
	Start    time.Time  `json:"start"`
	End      time.Time  `json:"end,omitzero"` // for an end event
	Frame    uint64     `json:"frame"`        // the frame that caused it
	Snapshot bool       `json:"has_snapshot"` // a best-frame snapshot exists for ID
}
