package events

import (
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/track"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func person(score float32, x, y float32) detect.Detection {
	return detect.Detection{Class: 0, Label: "person", Score: score, Box: [4]float32{x, y, x + 20, y + 40}}
}

// run feeds frames 1.. at 10 fps and collects the events (cloned).
type run struct {
	e     *Engine
	frame uint64
	all   []Event
}

func (r *run) step(t *testing.T, dets ...detect.Detection) ([]detect.Detection, []Event) {
	t.Helper()
	r.frame++
	kept, evs := r.e.Process(r.frame, t0.Add(time.Duration(r.frame)*100*time.Millisecond), dets)
	for _, ev := range evs {
		r.all = append(r.all, ev.Clone())
	}
	return kept, evs
}

func newRun(t *testing.T, cfg Config) *run {
	t.Helper()
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &run{e: e}
}

func types(evs []Event) string {
	var s []string
	for _, ev := range evs {
		s = append(s, string(ev.Type))
	}
	return strings.Join(s, ",")
}

func TestNewUpdateEndLifecycle(t *testing.T) {
	r := newRun(t, Config{Track: track.Options{MinHits: 3, MaxMisses: 2}, UpdateInterval: time.Second, SnapshotInterval: 300 * time.Millisecond})
	for f := 0; f < 3; f++ {
		r.step(t, person(0.6, 10+float32(f), 10))
	}
	if types(r.all) != "new" {
		t.Fatalf("events %s, want new", types(r.all))
	}
	ev := r.all[0]
	// Start is the first frame the object was seen in (frame 1), not the
	// confirming frame 3.
	start := t0.Add(100 * time.Millisecond)
	if ev.Track != 1 || ev.Label != "person" || !ev.Start.Equal(start) || ev.ID != "1767323045100-1" || ev.Zones == nil || ev.Frame != 3 {
		t.Fatalf("new event %+v", ev)
	}
	if s := r.e.Snapshots(); len(s) != 1 || s[0].EventID != ev.ID {
		t.Fatalf("snapshots at new: %+v", s)
	}
	// A better score: a snapshot no sooner than 300 ms after the last, an
	// update no sooner than 1 s after the new event.
	var snapFrames []uint64
	for f := 0; f < 12; f++ {
		r.step(t, person(0.61+0.01*float32(f), 13, 10))
		if len(r.e.Snapshots()) > 0 {
			snapFrames = append(snapFrames, r.frame)
		}
	}
	if want := []uint64{6, 9, 12, 15}; len(snapFrames) != len(want) || snapFrames[0] != 6 || snapFrames[3] != 15 {
		t.Fatalf("snapshots at frames %v, want %v", snapFrames, want)
	}
	if types(r.all) != "new,update" || r.all[1].Frame != 13 || r.all[1].TopScore < 0.68 {
		t.Fatalf("events %s %+v, want new then one update at frame 13", types(r.all), r.all)
	}
	r.step(t)
	r.step(t)
	if types(r.all) != "new,update,end" {
		t.Fatalf("events %s, want new,update,end", types(r.all))
	}
	end := r.all[2]
	if end.ID != ev.ID || !end.End.Equal(t0.Add(15*100*time.Millisecond)) {
		t.Fatalf("end event %+v: want the same id and End at the last sighting", end)
	}
}

func TestZonesAndMasks(t *testing.T) {
	r := newRun(t, Config{
		Zones: []string{"porch:0,0,100,0,100,100,0,100", "yard:100,0,300,0,300,100,100,100"},
		Masks: []string{"250,0,300,0,300,300,250,300"},
		Track: track.Options{MinHits: 1},
	})
	// Bottom centre (x+10, y+40): at x=30 it is in the porch.
	_, evs := r.step(t, person(0.9, 30, 20))
	if len(evs) != 1 || len(evs[0].Zones) != 1 || evs[0].Zones[0] != "porch" {
		t.Fatalf("events %+v, want new in porch", evs)
	}
	for _, x := range []float32{40, 50, 60, 70, 80, 88} { // still in the porch: nothing to say
		if _, evs = r.step(t, person(0.9, x, 20)); len(evs) != 0 {
			t.Fatalf("at x %g: events %+v, want none", x, evs)
		}
	}
	_, evs = r.step(t, person(0.9, 95, 20)) // bottom centre at 105: the yard, at once
	if len(evs) != 1 || evs[0].Type != Update || len(evs[0].Zones) != 1 || evs[0].Zones[0] != "yard" {
		t.Fatalf("events %+v, want an update into the yard", evs)
	}
	// In the mask: dropped before tracking.
	kept, _ := r.step(t, person(0.9, 250, 20), person(0.9, 95, 20))
	if len(kept) != 1 || kept[0].Box[0] != 95 {
		t.Fatalf("kept %+v, want only the unmasked one", kept)
	}
}

func TestFilters(t *testing.T) {
	cfg := Config{Labels: []string{"person", "car"}, Track: track.Options{MinHits: 1}}
	if err := cfg.SetMinScores("0.5,car=0.8"); err != nil {
		t.Fatal(err)
	}
	if err := cfg.SetMinAreas("person=500"); err != nil {
		t.Fatal(err)
	}
	r := newRun(t, cfg)
	dets := []detect.Detection{
		{Label: "person", Score: 0.6, Box: [4]float32{0, 0, 20, 40}},    // kept (area 800)
		{Label: "person", Score: 0.6, Box: [4]float32{50, 0, 60, 40}},   // area 400 < 500
		{Label: "car", Score: 0.7, Box: [4]float32{100, 0, 200, 50}},    // score < 0.8
		{Label: "car", Score: 0.9, Box: [4]float32{300, 0, 400, 50}},    // kept
		{Label: "dog", Score: 0.99, Box: [4]float32{500, 0, 600, 50}},   // not a wanted label
		{Label: "person", Score: 0.4, Box: [4]float32{700, 0, 800, 90}}, // below the default 0.5
	}
	kept, _ := r.step(t, dets...)
	if len(kept) != 2 || kept[0].Box[0] != 0 || kept[1].Box[0] != 300 {
		t.Fatalf("kept %+v", kept)
	}
	c := r.e.Counts()
	if len(c) != 2 || c[0].Label != "person" || c[0].N != 1 || c[1].Label != "car" || c[1].N != 1 || !r.e.CountsChanged() {
		t.Fatalf("counts %+v", c)
	}
	r.step(t, dets[0], dets[3])
	if r.e.CountsChanged() {
		t.Fatalf("counts %+v changed with the same objects", r.e.Counts())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Zones: []string{"porch"}}, "NAME:x1,y1"},
		{Config{Zones: []string{"porch:1,2,3,4"}}, "at least 3"},
		{Config{Zones: []string{"porch:1,2,3,4,5"}}, "x,y pairs"},
		{Config{Zones: []string{"porch:1,2,3,x,5,6"}}, `coordinate 4 ("x")`},
		{Config{Zones: []string{"a:0,0,1,0,1,1", "a:0,0,2,0,2,2"}}, "given twice"},
		{Config{Zones: []string{"front door:0,0,1,0,1,1"}}, "spaces"},
		{Config{Masks: []string{"1,2"}}, "mask"},
		{Config{MinScore: 1.5}, "min_score"},
		{Config{Track: track.Options{MinHits: -2}}, "min_hits"},
	} {
		_, err := NewEngine(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c.cfg, err, c.want)
		}
	}
	var cfg Config
	for _, bad := range []string{"x", "1.5", "person=", "=0.3", "-1"} {
		if err := cfg.SetMinScores(bad); err == nil {
			t.Errorf("--min-score %q accepted", bad)
		}
	}
}

// A camera going down ends every object at once; afterwards the same
// objects are new tracks with new ids.
func TestEndAll(t *testing.T) {
	r := newRun(t, Config{Track: track.Options{MinHits: 1}})
	r.step(t, person(0.9, 10, 10), person(0.9, 200, 10))
	evs := r.e.EndAll(r.frame)
	if types(evs) != "end,end" || r.e.Counts()[0].N != 0 || !r.e.Counts()[0].Changed || len(r.e.Tracker().Tracks()) != 0 {
		t.Fatalf("events %+v counts %+v", evs, r.e.Counts())
	}
	_, evs = r.step(t, person(0.9, 10, 10))
	if types(evs) != "new" || evs[0].Track != 3 {
		t.Fatalf("after EndAll: %+v, want a new track 3", evs)
	}
}
