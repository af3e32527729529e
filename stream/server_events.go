package stream

import (
	"slices"
	"sync"

	"github.com/retina-edge/retina/events"
)

// recentEventsKept is how many recent events /events lists.
const recentEventsKept = 100

// recentEvents is the newest events, oldest dropped first. Events are rare
// next to frames, so copying them is cheap.
type recentEvents struct {
	mu     sync.Mutex
	events []events.Event // oldest first
	count  uint64
}

func (r *recentEvents) add(evs []events.Event) {
	if len(evs) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range evs {
		e = e.Clone() // the engine reuses its slices
		if len(r.events) == recentEventsKept {
			r.events = append(r.events[:0], r.events[1:]...)
		}
		r.events = append(r.events, e)
		r.count++
	}
}

func (r *recentEvents) total() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// list returns the recent events, newest first.
func (r *recentEvents) list() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.events)
	slices.Reverse(out)
	if out == nil {
		out = []events.Event{}
	}
	return out
}

// ServeSnapshots makes /events/ID/snapshot.jpg serve from src (an
// events.SnapshotStore, which the pipeline's snapshots go to); without it
// the route answers 404.
func (s *Server) ServeSnapshots(src SnapshotSource) {
	s.snapMu.Lock()
	s.snaps = src
	s.snapMu.Unlock()
}

func (s *Server) snapshot(id string) ([]byte, bool) {
	s.snapMu.Lock()
	src := s.snaps
	s.snapMu.Unlock()
	if src == nil {
		return nil, false
	}
	return src.Get(id)
}
