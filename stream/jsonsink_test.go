package stream

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

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
