package stream

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retina-edge/retina/camera"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/detect"
)

// indexEngine is a stand-in events engine: it keeps detections scoring at
// least min, gives the i-th kept one track i+1, and a track's first frame
// makes a "new" event and a snapshot. Once its slices have grown it
// allocates nothing.
type indexEngine struct {
	min    float32
	tracks int
	evs    []events.Event
	snaps  []events.Snap
	counts []events.Count
	frames int
}

func (e *indexEngine) Process(frame uint64, t time.Time, dets []detect.Detection) ([]detect.Detection, []events.Event) {
	e.frames++
	kept := dets[:0]
	for _, d := range dets {
		if d.Score >= e.min {
			kept = append(kept, d)
		}
	}
	e.evs, e.snaps = e.evs[:0], e.snaps[:0]
	for i := range kept {
		kept[i].Track = i + 1
		if i >= e.tracks {
			id := "ev-" + strconv.Itoa(i+1)
			e.evs = append(e.evs, events.Event{ID: id, Type: events.New, Track: i + 1, Label: kept[i].Label,
				Score: kept[i].Score, Box: kept[i].Box, Start: t, Frame: frame, Snapshot: true})
			e.snaps = append(e.snaps, events.Snap{EventID: id, Track: i + 1, Box: kept[i].Box})
		}
	}
	e.tracks = max(e.tracks, len(kept))
	return kept, e.evs
}

func (e *indexEngine) Snapshots() []events.Snap { return e.snaps }

// Counts counts every track as one "object": the pipeline only passes them on.
func (e *indexEngine) Counts() []events.Count {
	e.counts = append(e.counts[:0], events.Count{Label: "object", N: e.tracks})
	return e.counts
}

func (e *indexEngine) EndAll(frame uint64) []events.Event {
	e.evs = e.evs[:0]
	for i := range e.tracks {
		e.evs = append(e.evs, events.Event{ID: "ev-" + strconv.Itoa(i+1), Type: events.End, Track: i + 1, Frame: frame})
	}
	e.tracks = 0
	return e.evs
}

// snapSaver records the snapshots it is given.
type snapSaver struct{ got map[string][]byte }

func (s *snapSaver) SaveSnapshot(id string, b []byte) {
	if s.got == nil {
		s.got = map[string][]byte{}
	}
	s.got[id] = bytes.Clone(b)
}

// With an events engine the results carry its kept detections with track
// ids and its events, the snapshots it asks for are JPEGs of the frame, and
// the per-label counters count both.
func TestPipelineRunsEventEngine(t *testing.T) {
	const n = 4
	// The frames without an engine first, to choose a minimum that drops
	// some detections and keeps others.
	var scores []float32
	ref := &countSink{t: t, each: func(r *Result) {
		for _, d := range r.Detections {
			scores = append(scores, d.Score)
		}
	}}
	q := newTestPipeline(t, &limitSource{Source: openPattern(t, "160x120", 0), n: n}, turns, []Sink{ref}, Options{Detect: testOptions()})
	if err := q.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	slices.Sort(scores)
	eng := &indexEngine{min: scores[len(scores)/2]}
	want := len(scores) - slices.Index(scores, eng.min)

	saver := &snapSaver{}
	var newEvents, dets int
	opts := Options{Detect: testOptions(), Events: eng, Snapshots: []SnapshotSaver{saver}}
	sink := &countSink{t: t, each: func(r *Result) {
		for i, d := range r.Detections {
			if d.Track != i+1 || d.Score < eng.min {
				t.Errorf("frame %d: detection %d: %+v", r.Frame, i, d)
			}
		}
		dets += len(r.Detections)
		newEvents += len(r.Events)
		for _, e := range r.Events {
			if !e.Snapshot {
				t.Errorf("event %s says it has no snapshot", e.ID)
			}
		}
	}}
	p := newTestPipeline(t, &limitSource{Source: openPattern(t, "160x120", 0), n: n}, turns, []Sink{sink}, opts)
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if dets == 0 || dets != want || want == len(scores) {
		t.Fatalf("%d detections kept of %d, want %d", dets, len(scores), want)
	}
	if newEvents == 0 || newEvents != eng.tracks || len(saver.got) != eng.tracks {
		t.Fatalf("%d events and %d snapshots for %d tracks", newEvents, len(saver.got), eng.tracks)
	}
	for id, b := range saver.got {
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil || img.Bounds() != image.Rect(0, 0, 160, 120) {
			t.Fatalf("snapshot %s: %v, %v", id, img.Bounds(), err)
		}
	}
	var counted, evCounted uint64
	for _, l := range p.Stats().Labels {
		counted += l.Detections
		evCounted += l.Events[0]
	}
	if counted != uint64(dets) || evCounted != uint64(newEvents) {
		t.Fatalf("counters: %d detections, %d new events; published %d and %d", counted, evCounted, dets, newEvents)
	}
}

// eventOptions run the real events engine (tracker, events, snapshots).
func eventOptions(t testing.TB) Options {
	e, err := events.NewEngine(events.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return Options{Detect: testOptions(), DropStale: true, Events: e, Snapshots: []SnapshotSaver{&snapSaver{}}}
}

// With tracking, events and a snapshot saver, a frame of a steady scene (a
// camera watching a parked car: the same picture each frame) still
// allocates nothing: new tracks, their events and snapshots happen in the
// warm-up. (A frame with a snapshot encodes a JPEG, which allocates.)
func TestPipelineNoAllocsWithEvents(t *testing.T) {
	opts := eventOptions(t)
	var tracked, evs int
	opts.OnFrame = func(r *Result, img image.Image) {
		for _, d := range r.Detections {
			if d.Track > 0 {
				tracked++
			}
		}
		evs += len(r.Events)
	}
	s := startStepperWith(t, newMJPEGSource(t, "160x120", 1), turns, opts)
	for range 2 * maxFrames {
		s.step()
	}
	if a := testing.AllocsPerRun(50, s.step); a != 0 {
		t.Errorf("%v allocations per frame in steady state with events on", a)
	}
	if tracked == 0 || evs == 0 {
		t.Fatalf("%d tracked detections, %d events: the engine had nothing to do", tracked, evs)
	}
	t.Logf("%d tracked detections, %d events", tracked, evs)
}

// downAfter is a live source that delivers n frames of its inner source,
// then, once published is closed (the frames have left the pipeline, so
// none is in flight when it goes down), reports itself down and delivers
// nothing more.
type downAfter struct {
	camera.Source
	n         int
	published chan struct{}
	up        atomic.Bool
}

func (d *downAfter) Read(ctx context.Context) (*camera.Frame, error) {
	if d.n == 0 {
		select {
		case <-d.published:
			d.up.Store(false)
		case <-ctx.Done():
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	d.n--
	d.up.Store(true)
	return d.Source.Read(ctx)
}

func (d *downAfter) Status() camera.Status { return camera.Status{Up: d.up.Load()} }

// When a live camera goes down while objects are tracked, the sinks and
// OnFrame get one frameless result ending them all.
func TestCameraDownEndsTracks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	eng := &indexEngine{}
	var framesSeen, frameless, ends int
	var lastFrame uint64
	opts := Options{Detect: testOptions(), Events: eng, OnFrame: func(r *Result, img image.Image) {
		if r.Frameless != (img == nil) {
			t.Errorf("frame %d: frameless %v with picture %v", r.Frame, r.Frameless, img != nil)
		}
	}}
	src := &downAfter{Source: openPattern(t, "160x120", 0), n: 3, published: make(chan struct{})}
	sink := &countSink{t: t, each: func(r *Result) {
		if !r.Frameless {
			framesSeen++
			lastFrame = r.Frame
			if framesSeen == 3 {
				close(src.published)
			}
			return
		}
		frameless++
		if r.Frame != lastFrame || len(r.Detections) != 0 {
			t.Errorf("frameless result for frame %d (last %d) with %d detections", r.Frame, lastFrame, len(r.Detections))
		}
		for _, e := range r.Events {
			if e.Type == events.End {
				ends++
			}
		}
		cancel()
	}}
	p := newTestPipeline(t, src, turns, []Sink{sink}, opts)
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if framesSeen != 3 || frameless != 1 || ends == 0 {
		t.Fatalf("%d frames, %d frameless results, %d end events", framesSeen, frameless, ends)
	}
}

// Without a snapshot saver no event claims a snapshot.
func TestNoSaverNoSnapshotClaimed(t *testing.T) {
	claimed := 0
	sink := &countSink{t: t, each: func(r *Result) {
		for _, e := range r.Events {
			if e.Snapshot {
				claimed++
			}
		}
	}}
	eng := &indexEngine{}
	p := newTestPipeline(t, &limitSource{Source: openPattern(t, "160x120", 0), n: 2}, turns, []Sink{sink}, Options{Detect: testOptions(), Events: eng})
	if err := p.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if eng.tracks == 0 || claimed != 0 {
		t.Fatalf("%d tracks, %d events claiming a snapshot nobody kept", eng.tracks, claimed)
	}
}

// downWhileInFlight delivers n frames and goes down at the next Read,
// closing down.
type downWhileInFlight struct {
	camera.Source
	n    int
	up   atomic.Bool
	down chan struct{}
}

func (d *downWhileInFlight) Read(ctx context.Context) (*camera.Frame, error) {
	if d.n == 0 {
		d.up.Store(false)
		close(d.down)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	d.n--
	d.up.Store(true)
	return d.Source.Read(ctx)
}

func (d *downWhileInFlight) Status() camera.Status { return camera.Status{Up: d.up.Load()} }

// heldNetwork holds its call number hold until release is closed.
type heldNetwork struct {
	detect.Network
	calls, hold int
	release     chan struct{}
}

func (h *heldNetwork) Heads(height, width int, input []float32) ([]boxes.Level, error) {
	if h.calls++; h.calls == h.hold {
		<-h.release
	}
	return h.Network.Heads(height, width, input)
}

// When the camera goes down while its last frame is still in a stage, the
// tracks end after that frame is published, not before it (which would
// make the frame's objects new sightings after their end).
func TestCameraDownEndsTracksAfterFramesInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &downWhileInFlight{Source: openPattern(t, "160x120", 0), n: 3, down: make(chan struct{})}
	network := &heldNetwork{Network: networkOf(t, loadModel(t, 2)), hold: 3, release: make(chan struct{})}
	framesSeen, frameless := 0, 0
	sink := &countSink{t: t, each: func(r *Result) {
		if !r.Frameless {
			framesSeen++
			return
		}
		frameless++
		if framesSeen != 3 {
			t.Errorf("tracks ended after %d of the 3 frames the camera delivered", framesSeen)
		}
		cancel()
	}}
	p, err := NewNetwork(src, network, []Sink{sink}, Options{Detect: testOptions(), Events: &indexEngine{}})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		// Frame 3 stays in the network stage through a few health polls
		// of a camera that is down.
		<-src.down
		time.Sleep(3 * healthPoll)
		close(network.release)
	}()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if framesSeen != 3 || frameless != 1 {
		t.Fatalf("%d frames, %d frameless results, want 3 and 1", framesSeen, frameless)
	}
}
