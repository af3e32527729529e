package track

import (
	"testing"

	"github.com/retina-edge/retina/net/detect"
)

func det(class int, score float32, x, y, w, h float32) detect.Detection {
	return detect.Detection{Class: class, Label: []string{"circle", "square"}[class], Score: score, Box: [4]float32{x, y, x + w, y + h}}
}

func TestTrackConfirmedAfterMinHitsAndEndedAfterMaxMisses(t *testing.T) {
	tr := New(Options{MinHits: 3, MaxMisses: 4})
	var ids []int
	for f := 0; f < 6; f++ {
		d := []detect.Detection{det(0, 0.9, 10+5*float32(f), 20, 40, 40)}
		tr.Update(d)
		ids = append(ids, d[0].Track)
	}
	if want := []int{0, 0, 1, 1, 1, 1}; !equalInts(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	if n := len(tr.Tracks()); n != 1 {
		t.Fatalf("%d tracks alive, want 1", n)
	}
	for miss := 1; miss <= 4; miss++ {
		tr.Update(nil)
		ended := tr.Ended()
		if miss < 4 && (len(ended) != 0 || len(tr.Tracks()) != 1 || tr.Tracks()[0].Misses != miss) {
			t.Fatalf("miss %d: ended %v, alive %v", miss, ended, tr.Tracks())
		}
		if miss == 4 && (len(ended) != 1 || ended[0].ID != 1 || len(tr.Tracks()) != 0) {
			t.Fatalf("after 4 misses: ended %v, alive %v; want track 1 ended", ended, tr.Tracks())
		}
	}
	// The object comes back: a new id, never 1 again.
	for f := 0; f < 3; f++ {
		d := []detect.Detection{det(0, 0.9, 40, 20, 40, 40)}
		tr.Update(d)
		if f == 2 && d[0].Track != 2 {
			t.Fatalf("returning object got id %d, want 2", d[0].Track)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A tentative track dies at its first miss and never got an id.
func TestTentativeTrackDiesSilently(t *testing.T) {
	tr := New(Options{MinHits: 3})
	tr.Update([]detect.Detection{det(0, 0.9, 0, 0, 20, 20)})
	tr.Update(nil)
	if len(tr.Ended()) != 0 || len(tr.Tracks()) != 0 {
		t.Fatalf("ended %v alive %v, want nothing", tr.Ended(), tr.Tracks())
	}
	d := []detect.Detection{det(0, 0.9, 0, 0, 20, 20)}
	for f := 0; f < 3; f++ {
		tr.Update(d)
	}
	if d[0].Track != 1 {
		t.Fatalf("first confirmed track has id %d, want 1", d[0].Track)
	}
}

// ByteTrack: a low-score detection keeps a confirmed track alive, but never
// starts one.
func TestLowScoreDetections(t *testing.T) {
	tr := New(Options{MinHits: 2, HighScore: 0.5, LowScore: 0.1})
	for f := 0; f < 2; f++ {
		tr.Update([]detect.Detection{det(0, 0.8, 0, 0, 30, 30)})
	}
	d := []detect.Detection{det(0, 0.2, 1, 0, 30, 30), det(1, 0.3, 100, 100, 30, 30)}
	for f := 0; f < 5; f++ {
		tr.Update(d)
		if d[0].Track != 1 || d[1].Track != 0 {
			t.Fatalf("frame %d: tracks %d, %d; want 1 (kept by a low score) and 0 (no track from a low score)", f, d[0].Track, d[1].Track)
		}
	}
	if alive := tr.Tracks(); len(alive) != 1 || alive[0].Misses != 0 {
		t.Fatalf("alive %v", alive)
	}
	// Below LowScore a detection is ignored: the track misses.
	tr.Update([]detect.Detection{det(0, 0.05, 1, 0, 30, 30)})
	if alive := tr.Tracks(); len(alive) != 1 || alive[0].Misses != 1 {
		t.Fatalf("alive %v, want one track with a miss", alive)
	}
}

// Tracks match only their own class: a square appearing exactly where a
// circle was is a new object.
func TestClassGating(t *testing.T) {
	tr := New(Options{MinHits: 1})
	a := []detect.Detection{det(0, 0.9, 0, 0, 30, 30)}
	tr.Update(a)
	b := []detect.Detection{det(1, 0.9, 0, 0, 30, 30)}
	tr.Update(b)
	if a[0].Track != 1 || b[0].Track != 2 {
		t.Fatalf("ids %d then %d, want 1 then 2", a[0].Track, b[0].Track)
	}
	any := New(Options{MinHits: 1, AnyClass: true})
	a = []detect.Detection{det(0, 0.9, 0, 0, 30, 30)}
	any.Update(a)
	b = []detect.Detection{det(1, 0.9, 0, 0, 30, 30)}
	any.Update(b)
	if b[0].Track != 1 || any.Tracks()[0].Label != "square" {
		t.Fatalf("AnyClass: id %d label %q, want 1 square", b[0].Track, any.Tracks()[0].Label)
	}
}

// The motion model carries a track through a gap: after the object moved on
// at constant speed behind an occluder, the prediction still overlaps it.
func TestPredictionBridgesOcclusion(t *testing.T) {
	tr := New(Options{MinHits: 3, MaxMisses: 30})
	x := float32(0)
	for f := 0; f < 10; f++ {
		tr.Update([]detect.Detection{det(0, 0.9, x, 50, 20, 20)})
		x += 6
	}
	for f := 0; f < 8; f++ { // hidden: 48 px on, more than twice its width
		tr.Update(nil)
		x += 6
	}
	d := []detect.Detection{det(0, 0.9, x, 50, 20, 20)}
	tr.Update(d)
	if d[0].Track != 1 {
		t.Fatalf("after the occlusion the object got id %d, want 1", d[0].Track)
	}
}

func TestOptionsCheck(t *testing.T) {
	for _, o := range []Options{{HighScore: 2}, {LowScore: 0.9, HighScore: 0.5}, {MinHits: -1}, {MaxMisses: -3}, {MatchIoU: 1.5}} {
		if err := o.Check(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if err := (Options{}).Check(); err != nil {
		t.Fatal(err)
	}
}
