package camera

import (
	"fmt"
	"strconv"
	"time"
)

// EventKind says how a live source's state changed.
type EventKind uint8

const (
	// CameraDown: the source failed (an error, a dropped connection, a
	// device that vanished, or the camera unreachable at start); it keeps
	// re-connecting with back-off.
	CameraDown EventKind = iota + 1
	// CameraStalled: no frame came within Options.StallTimeout; the source
	// counts as down and re-connects.
	CameraStalled
	// CameraBack: frames arrive again after CameraDown or CameraStalled.
	CameraBack
)

func (k EventKind) String() string {
	switch k {
	case CameraDown:
		return "down"
	case CameraStalled:
		return "stalled"
	case CameraBack:
		return "back"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event is one state change of a live source, reported through
// Options.OnEvent. Its String is the log line for it.
type Event struct {
	Kind   EventKind
	Time   time.Time     // when the change happened
	Source string        // the source (device path or URL, password hidden)
	Err    error         // CameraDown: the cause
	Stall  time.Duration // CameraStalled: how long no frame came
	Outage time.Duration // CameraBack: how long the camera was down
}

// String reads as a log line: "camera down: SOURCE: CAUSE",
// "camera stalled: no frame for 5 s" or "camera back after 12.3 s".
func (e Event) String() string {
	switch e.Kind {
	case CameraDown:
		return fmt.Sprintf("camera down: %s: %v", e.Source, e.Err)
	case CameraStalled:
		return "camera stalled: no frame for " + seconds(e.Stall)
	case CameraBack:
		return "camera back after " + seconds(e.Outage)
	}
	return fmt.Sprintf("camera %v: %s", e.Kind, e.Source)
}

// seconds formats d as "12.3 s" (to a tenth, "5 s" when whole).
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + " s"
}
