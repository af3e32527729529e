package camera

import (
	"fmt"
	"time"
)

// EventKind says what happened to a V4L2 device.
type EventKind uint8

const (
	// DeviceLost: reading failed (unplugged: ENODEV, EIO, or no frame within
	// Options.StallTimeout); the source closed the device and will re-open it.
	DeviceLost EventKind = iota + 1
	// ReopenFailed: one re-open attempt failed; another follows after Wait.
	ReopenFailed
	// DeviceBack: the device was re-opened and streams again.
	DeviceBack
)

func (k EventKind) String() string {
	switch k {
	case DeviceLost:
		return "device lost"
	case ReopenFailed:
		return "re-open failed"
	case DeviceBack:
		return "device back"
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Event reports a change in a V4L2 source's device.
type Event struct {
	Kind    EventKind
	Device  string        // the device path
	Err     error         // the cause, for DeviceLost and ReopenFailed
	Attempt int           // re-open attempts so far in this outage
	Wait    time.Duration // for ReopenFailed: the back-off before the next attempt
}

func (e Event) String() string {
	s := fmt.Sprintf("%s: %s", e.Device, e.Kind)
	if e.Attempt > 0 {
		s += fmt.Sprintf(" (attempt %d)", e.Attempt)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Wait > 0 {
		s += fmt.Sprintf("; next try in %v", e.Wait)
	}
	return s
}
