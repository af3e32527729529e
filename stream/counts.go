package stream

import (
	"sync/atomic"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/net/detect"
)

// eventTypes are the event types in the order LabelStat.Events counts them.
var eventTypes = [...]events.Type{events.New, events.Update, events.End}

// LabelStat counts one label's detections and events since the start.
type LabelStat struct {
	Label      string
	Detections uint64
	Events     [len(eventTypes)]uint64 // new, update, end
}

// labelCounts counts detections and events per class; the publishing stage
// adds, any goroutine reads. Indexing by class keeps the adding free of
// allocations.
type labelCounts struct {
	labels []string
	class  map[string]int // label -> class, for events (which carry labels)
	dets   []atomic.Uint64
	evs    [][len(eventTypes)]atomic.Uint64
}

func newLabelCounts(labels []string) *labelCounts {
	c := &labelCounts{labels: labels, class: make(map[string]int, len(labels)),
		dets: make([]atomic.Uint64, len(labels)), evs: make([][len(eventTypes)]atomic.Uint64, len(labels))}
	for i, l := range labels {
		if _, dup := c.class[l]; !dup {
			c.class[l] = i
		}
	}
	return c
}

func (c *labelCounts) add(dets []detect.Detection, evs []events.Event) {
	for _, d := range dets {
		if d.Class >= 0 && d.Class < len(c.dets) {
			c.dets[d.Class].Add(1)
		}
	}
	for _, e := range evs {
		k, ok := c.class[e.Label]
		if !ok {
			continue
		}
		for t, et := range eventTypes {
			if e.Type == et {
				c.evs[k][t].Add(1)
			}
		}
	}
}

// snapshot lists the labels seen so far, in class order.
func (c *labelCounts) snapshot() []LabelStat {
	var out []LabelStat
	for i, l := range c.labels {
		s := LabelStat{Label: l, Detections: c.dets[i].Load()}
		seen := s.Detections > 0
		for t := range eventTypes {
			s.Events[t] = c.evs[i][t].Load()
			seen = seen || s.Events[t] > 0
		}
		if seen {
			out = append(out, s)
		}
	}
	return out
}
