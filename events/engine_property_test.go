package events

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/track"
)

// Objects come and go through three zones for 400 frames; every event, as
// returned (before the next call reuses anything), lists exactly the zones
// its box's bottom centre is in, ids are unique per track, the top score is
// never below the score, and each track has one new, then updates, then at
// most one end.
func TestEventsConsistentUnderChurn(t *testing.T) {
	cfg := Config{
		Zones: []string{"a:0,0,200,0,200,480,0,480", "b:150,0,400,0,400,480,150,480", "c:0,300,640,300,640,480,0,480"},
		Track: track.Options{MinHits: 2, MaxMisses: 5},
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	type obj struct{ x, y, vx, vy float32 }
	var objs []obj
	state := map[int]Type{}
	ids := map[string]int{}
	var dets []detect.Detection
	for f := uint64(1); f <= 400; f++ {
		if rng.IntN(6) == 0 && len(objs) < 12 {
			objs = append(objs, obj{rng.Float32() * 600, rng.Float32() * 400, rng.Float32()*8 - 4, rng.Float32()*8 - 4})
		}
		if rng.IntN(15) == 0 && len(objs) > 0 {
			objs = slices.Delete(objs, 0, 1)
		}
		dets = dets[:0]
		for i := range objs {
			o := &objs[i]
			o.x, o.y = min(max(o.x+o.vx, 0), 600), min(max(o.y+o.vy, 0), 440)
			dets = append(dets, detect.Detection{Label: "person", Score: 0.6 + 0.4*rng.Float32(), Box: [4]float32{o.x, o.y, o.x + 40, o.y + 40}})
		}
		_, evs := e.Process(f, time.Unix(0, int64(f)*1e8), dets) // 10 fps: the snapshot interval holds some better scores back
		for _, ev := range evs {
			var want []string
			x, y := RefPoint(ev.Box)
			for _, z := range e.Zones() {
				if z.Contains(x, y) {
					want = append(want, z.Name)
				}
			}
			if ev.Zones == nil || !slices.Equal(ev.Zones, want) {
				t.Fatalf("frame %d: %s event of track %d at %v lists zones %q, want %q", f, ev.Type, ev.Track, ev.Box, ev.Zones, want)
			}
			if tr, ok := ids[ev.ID]; ok && tr != ev.Track {
				t.Fatalf("event id %s used by tracks %d and %d", ev.ID, tr, ev.Track)
			}
			ids[ev.ID] = ev.Track
			if ev.TopScore < ev.Score {
				t.Fatalf("frame %d: %s event of track %d: top score %g below its score %g", f, ev.Type, ev.Track, ev.TopScore, ev.Score)
			}
			prev, seen := state[ev.Track]
			switch {
			case ev.Type == New && seen, ev.Type != New && !seen, prev == End:
				t.Fatalf("frame %d: track %d: %s after %q", f, ev.Track, ev.Type, prev)
			}
			state[ev.Track] = ev.Type
		}
	}
	ends := 0
	for _, s := range state {
		if s == End {
			ends++
		}
	}
	if len(state) < 10 || ends < 5 {
		t.Fatalf("%d tracks, %d ended: the churn did not happen", len(state), ends)
	}
}
