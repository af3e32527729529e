package stream

import (
	"slices"
	"sync"

	"github.com/retina-edge/retina/events"
)

// The preview keeps this many recent events (/events) and snapshots
// (/events/ID/snapshot.jpg) in memory; --snapshots DIR keeps more on disk.
const (
	recentEventsKept    = 100
	recentSnapshotsKept = 32
)

// recentEvents is the newest events and event snapshots, oldest dropped
// first. Events are rare next to frames, so copying them is cheap.
type recentEvents struct {
	mu     sync.Mutex
	events []events.Event // oldest first
	count  uint64
	snaps  map[string][]byte
	order  []string // snapshot ids, oldest first
}

func (r *recentEvents) init() { r.snaps = map[string][]byte{} }

func (r *recentEvents) add(evs []events.Event) {
	if len(evs) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range evs {
		e.Zones = slices.Clone(e.Zones) // the engine reuses its slices
		if e.Zones == nil {
			e.Zones = []string{}
		}
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

// SaveSnapshot keeps an event's best frame for /events/ID/snapshot.jpg (a
// SnapshotSaver: give the server to Options.Snapshots).
func (s *Server) SaveSnapshot(id string, jpeg []byte) {
	r := &s.recent
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.snaps[id]; ok {
		r.snaps[id] = slices.Clone(jpeg) // a new copy: a client may be sending the old one
		return
	}
	if len(r.order) == recentSnapshotsKept {
		delete(r.snaps, r.order[0])
		r.order = append(r.order[:0], r.order[1:]...)
	}
	r.snaps[id] = slices.Clone(jpeg)
	r.order = append(r.order, id)
}

func (r *recentEvents) snapshot(id string) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.snaps[id]
	return b, ok
}
