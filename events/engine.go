package events

import (
	"strconv"
	"strings"
	"time"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/track"
)

// Snap asks the caller for a snapshot: encode this frame and save it under
// EventID (the frame is the track's best so far).
type Snap struct {
	EventID string
	Track   int
	Box     [4]float32
	Score   float32
}

// Count is the number of confirmed tracks of one label alive now.
type Count struct {
	Label   string
	N       int
	Changed bool // N differs from the previous frame's (or the label is new)

	prev     int  // N on the frame before
	reported bool // Changed has been true once (a new label is a change)
}

// object is the engine's record of one confirmed track.
type object struct {
	track      int
	eventID    string
	label      string
	start      time.Time
	lastSeen   time.Time
	lastUpdate time.Time
	lastSnap   time.Time
	score      float32
	top        float32 // the best score so far
	snapScore  float32 // the score of the frame the snapshot is of
	box        [4]float32
	zoneSet    uint64
	zones      []string // names of zoneSet's zones; its own array per slot
	dirty      bool     // a label change or better score not yet sent
}

// Engine filters detections, tracks them and turns tracks into events; one
// per camera, not safe for concurrent use.
type Engine struct {
	k       compiled
	tracker *track.Tracker
	objects []object
	evs     []Event
	snaps   []Snap
	counts  []Count
	changed bool
	idBuf   []byte
	// times holds the last frames' times, so a track's start is the time of
	// the frame it was first seen in, not the one it was confirmed in.
	times [64]time.Time
	nproc uint64
}

// NewEngine checks cfg and returns an engine for one camera.
func NewEngine(cfg Config) (*Engine, error) {
	k, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	e := &Engine{k: k, tracker: track.New(cfg.Track)}
	for _, l := range cfg.Labels {
		e.labelIndex(strings.TrimSpace(l))
	}
	return e, nil
}

// Zones returns the configured zones.
func (e *Engine) Zones() []Zone { return e.k.zones }

// Tracker returns the engine's tracker (for its Tracks and Ended).
func (e *Engine) Tracker() *track.Tracker { return e.tracker }

// Process handles one frame: it filters dets in place (labels, per-label
// minimum score and area, masks), keeping the survivors as a prefix of dets
// in their order; tracks them (setting Track); and returns the kept prefix
// and this frame's events. Both slices, the events' Zones, and what
// Snapshots and Counts return are reused by the next call: copy what you
// keep (Event.Clone).
func (e *Engine) Process(frame uint64, t time.Time, dets []detect.Detection) (kept []detect.Detection, evs []Event) {
	n := 0
	for i := range dets {
		if d := &dets[i]; e.k.keep(d.Label, d.Score, d.Box) {
			dets[n] = *d
			n++
		}
	}
	kept = dets[:n]
	e.tracker.Update(kept)
	e.times[e.nproc%uint64(len(e.times))] = t
	e.nproc++
	e.evs, e.snaps = e.evs[:0], e.snaps[:0]
	for _, tr := range e.tracker.Tracks() {
		if tr.Misses == 0 {
			e.seen(frame, t, &tr)
		}
	}
	for _, tr := range e.tracker.Ended() {
		e.end(frame, tr.ID)
	}
	e.count()
	return kept, e.evs
}

// EndAll ends every tracked object now, as when the camera goes down (its
// objects may be anywhere when it returns): it returns their end events
// (End is each one's last sighting) and sets every count to 0. The slice is
// reused as Process's is.
func (e *Engine) EndAll(frame uint64) []Event {
	e.tracker.Reset()
	e.evs, e.snaps = e.evs[:0], e.snaps[:0]
	for _, tr := range e.tracker.Ended() {
		e.end(frame, tr.ID)
	}
	e.count()
	return e.evs
}

// seen updates the object of a track matched this frame.
func (e *Engine) seen(frame uint64, t time.Time, tr *track.Track) {
	o := e.find(tr.ID)
	isNew := o == nil
	if isNew {
		o = e.add(tr, t)
	}
	zoneSet := e.k.zoneSet(tr.Box)
	zonesChanged := zoneSet != o.zoneSet
	if zonesChanged || isNew {
		o.zoneSet = zoneSet
		o.zones = o.zones[:0]
		for i := range e.k.zones {
			if zoneSet&(1<<i) != 0 {
				o.zones = append(o.zones, e.k.zones[i].Name)
			}
		}
	}
	if tr.Label != o.label {
		o.label, o.dirty = tr.Label, true
	}
	o.score, o.box, o.lastSeen = tr.Score, tr.Box, t
	if tr.Score > o.top {
		o.top, o.dirty = tr.Score, o.dirty || !isNew
	}
	if isNew || (tr.Score > o.snapScore && t.Sub(o.lastSnap) >= e.k.snapGap) {
		o.snapScore, o.lastSnap = tr.Score, t
		e.snaps = append(e.snaps, Snap{EventID: o.eventID, Track: o.track, Box: tr.Box, Score: tr.Score})
	}
	switch {
	case isNew:
		o.lastUpdate = t
		e.emit(New, frame, o)
	case zonesChanged || (o.dirty && t.Sub(o.lastUpdate) >= e.k.updateGap):
		o.lastUpdate, o.dirty = t, false
		e.emit(Update, frame, o)
	}
}

// add starts the record of a newly confirmed track.
func (e *Engine) add(tr *track.Track, now time.Time) *object {
	start := now
	if back := uint64(tr.Age); back < uint64(len(e.times)) && back < e.nproc {
		start = e.times[(e.nproc-1-back)%uint64(len(e.times))]
	}
	e.idBuf = strconv.AppendInt(e.idBuf[:0], start.UnixMilli(), 10)
	e.idBuf = append(e.idBuf, '-')
	e.idBuf = strconv.AppendInt(e.idBuf, int64(tr.ID), 10)
	if len(e.objects) < cap(e.objects) {
		e.objects = e.objects[:len(e.objects)+1] // keeps the slot's zones array
	} else {
		e.objects = append(e.objects, object{})
	}
	o := &e.objects[len(e.objects)-1]
	zones := o.zones
	if zones == nil {
		zones = make([]string, 0, len(e.k.zones))
	}
	*o = object{track: tr.ID, eventID: string(e.idBuf), label: tr.Label, start: start, zones: zones[:0]}
	return o
}

func (e *Engine) find(id int) *object {
	for i := range e.objects {
		if e.objects[i].track == id {
			return &e.objects[i]
		}
	}
	return nil
}

// end emits a track's end event and drops its record.
func (e *Engine) end(frame uint64, id int) {
	for i := range e.objects {
		if e.objects[i].track != id {
			continue
		}
		e.emit(End, frame, &e.objects[i])
		e.evs[len(e.evs)-1].End = e.objects[i].lastSeen
		// Swap with the last so that each slot keeps its own zones array.
		last := len(e.objects) - 1
		e.objects[i], e.objects[last] = e.objects[last], e.objects[i]
		e.objects = e.objects[:last]
		return
	}
}

func (e *Engine) emit(typ Type, frame uint64, o *object) {
	e.evs = append(e.evs, Event{
		ID: o.eventID, Type: typ, Track: o.track, Label: o.label, Score: o.score, TopScore: o.top,
		Box: o.box, Zones: o.zones[:len(o.zones):len(o.zones)], Start: o.start, Frame: frame, Snapshot: true,
	})
}

// count recomputes the per-label counts of confirmed tracks alive.
func (e *Engine) count() {
	for i := range e.counts {
		c := &e.counts[i]
		c.prev, c.N = c.N, 0
	}
	for _, tr := range e.tracker.Tracks() {
		e.counts[e.labelIndex(tr.Label)].N++
	}
	e.changed = false
	for i := range e.counts {
		c := &e.counts[i]
		c.Changed = c.N != c.prev || !c.reported
		c.reported = true
		e.changed = e.changed || c.Changed
	}
}

// labelIndex returns the counts entry of a label, adding it when new.
func (e *Engine) labelIndex(label string) int {
	for i := range e.counts {
		if e.counts[i].Label == label {
			return i
		}
	}
	e.counts = append(e.counts, Count{Label: label})
	return len(e.counts) - 1
}

// Snapshots lists the tracks whose best frame is this one (always the
// first frame of a new track, then at most one per SnapshotInterval while
// the score improves). The caller encodes the frame and saves it under
// EventID. Reused by the next Process.
func (e *Engine) Snapshots() []Snap { return e.snaps }

// Counts returns, per label, the confirmed tracks alive (in view or briefly
// occluded), in a stable order: the configured labels first, then others as
// first seen (a label once seen stays, with 0). Reused by the next Process.
func (e *Engine) Counts() []Count { return e.counts }

// CountsChanged reports whether any label's count changed on the last
// Process (see Count.Changed for which).
func (e *Engine) CountsChanged() bool { return e.changed }

// Clone returns a copy of the event that owns its Zones, to keep beyond the
// next Process.
func (ev Event) Clone() Event {
	ev.Zones = append(make([]string, 0, len(ev.Zones)), ev.Zones...)
	return ev
}
