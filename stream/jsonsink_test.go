package stream

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/net/detect"
)

// The --json line: the shape, UTC RFC3339Nano time, [] for no
// detections, one line per frame, the same bytes MarshalLine gives.
func TestJSONLines(t *testing.T) {
	var out bytes.Buffer
	j := NewJSONLines(&out)
	at := time.Date(2026, 11, 28, 16, 0, 0, 123456789, time.FixedZone("CET", 3600))
	rs := []*Result{
		{Frame: 7, Time: at, Width: 9, Height: 9, Detections: []detect.Detection{{Class: 2, Label: "a<b", Score: 0.25, Box: [4]float32{1, 2.5, 3, 1e-7}}}},
		{Frame: 8, Time: at.Add(time.Second)},
	}
	var want bytes.Buffer
	for _, r := range rs {
		if err := j.Publish(r); err != nil {
			t.Fatal(err)
		}
		b, err := MarshalLine(r)
		if err != nil {
			t.Fatal(err)
		}
		want.Write(append(b, '\n'))
	}
	const first = `{"frame":7,"time":"2026-11-28T15:00:00.123456789Z","detections":[{"class":2,"label":"a\u003cb","score":0.25,"box":[1,2.5,3,1e-7]}]}` + "\n"
	const second = `{"frame":8,"time":"2026-11-28T15:00:01.123456789Z","detections":[]}` + "\n"
	if out.String() != first+second || want.String() != out.String() {
		t.Fatalf("wrote\n%s\nMarshalLine gives\n%s\nwant\n%s%s", out.String(), want.String(), first, second)
	}
	var back struct {
		Time time.Time `json:"time"`
	}
	if err := json.Unmarshal([]byte(first), &back); err != nil || !back.Time.Equal(at) {
		t.Fatalf("time reads back as %v (%v)", back.Time, err)
	}
	if a := testing.AllocsPerRun(20, func() { j.Publish(rs[0]) }); a != 0 {
		t.Errorf("Publish allocates %v times per frame", a)
	}
}

// EventLines writes each event as one JSON line and nothing for a frame
// without events.
func TestEventLines(t *testing.T) {
	var b bytes.Buffer
	k := NewEventLines(&b)
	if err := k.Publish(&Result{Frame: 1}); err != nil || b.Len() != 0 {
		t.Fatalf("no events: wrote %q, %v", b.String(), err)
	}
	evs := []events.Event{{ID: "x-1", Type: events.New, Track: 1, Label: "person", Zones: []string{}}, {ID: "x-2", Type: events.End, Track: 2, Label: "car", Zones: []string{"drive"}}}
	if err := k.Publish(&Result{Frame: 2, Events: evs}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%q", b.String())
	}
	var got events.Event
	if err := json.Unmarshal([]byte(lines[1]), &got); err != nil || got.ID != "x-2" || got.Type != events.End || got.Zones[0] != "drive" {
		t.Fatalf("line %q: %+v %v", lines[1], got, err)
	}
}
