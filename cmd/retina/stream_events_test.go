package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/events"
)

// writeAppearLeaveClip writes an MJPEG file: the shapes picture for `on`
// frames, then `off` black frames (its objects leave).
func writeAppearLeaveClip(t *testing.T, on, off int) string {
	t.Helper()
	shapesJPEG, err := os.ReadFile(shapes)
	if err != nil {
		t.Fatal(err)
	}
	var black bytes.Buffer
	if err := jpeg.Encode(&black, image.NewRGBA(image.Rect(0, 0, 256, 256)), nil); err != nil {
		t.Fatal(err)
	}
	var clip bytes.Buffer
	for range on {
		clip.Write(shapesJPEG)
	}
	for range off {
		clip.Write(black.Bytes())
	}
	p := filepath.Join(t.TempDir(), "clip.mjpg")
	if err := os.WriteFile(p, clip.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStreamEvents: objects that appear and leave give one new and one end
// event per track, in the zone that covers the picture, each new event's
// best frame saved under its id; --labels keeps only the asked class.
func TestStreamEvents(t *testing.T) {
	clip := writeAppearLeaveClip(t, 8, 30)
	snaps := t.TempDir()
	code, stdout, stderr := runCLI("stream", "--source", "mjpeg:"+clip, "--threads", "2", "--events",
		"--zone", "all:0,0,256,0,256,256,0,256", "--snapshots", snaps)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	newTracks, ended := map[int]events.Event{}, map[int]bool{}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var e events.Event
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("event line %q: %v", l, err)
		}
		switch e.Type {
		case events.New:
			if _, dup := newTracks[e.Track]; dup || e.Track <= 0 || !slices.Equal(e.Zones, []string{"all"}) || e.Frame >= 8 {
				t.Errorf("new event %s", l)
			}
			newTracks[e.Track] = e
		case events.End:
			if _, ok := newTracks[e.Track]; !ok || ended[e.Track] || e.End.IsZero() {
				t.Errorf("end event %s", l)
			}
			ended[e.Track] = true
		}
	}
	if len(newTracks) < 3 || len(ended) != len(newTracks) {
		t.Fatalf("%d tracks began, %d ended; want the picture's shapes, each ending:\n%s", len(newTracks), len(ended), stdout)
	}
	labels := map[string]bool{}
	for _, e := range newTracks {
		labels[e.Label] = true
		b, err := os.ReadFile(filepath.Join(snaps, e.ID+".jpg"))
		if err != nil || !e.Snapshot {
			t.Fatalf("event %s (snapshot %v): %v", e.ID, e.Snapshot, err)
		}
		if img, err := jpeg.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != 256 {
			t.Fatalf("snapshot of %s: %v", e.ID, err)
		}
	}
	// Only one of the labels.
	var keep string
	for l := range labels {
		keep = l
		break
	}
	code, stdout, stderr = runCLI("stream", "--source", "mjpeg:"+clip, "--threads", "2", "--events", "--labels", keep)
	if code != 0 || stdout == "" {
		t.Fatalf("--labels %s: exit %d, %q: %s", keep, code, stdout, stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var e events.Event
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Label != keep {
			t.Fatalf("--labels %s: event %s", keep, l)
		}
	}
}

// TestStreamEventFlagErrors: a bad zone, mask, filter or config file is a
// usage error naming what is wrong, before the model loads.
func TestStreamEventFlagErrors(t *testing.T) {
	expectFailure(t, 2, []string{"porch"}, "stream", "--zone", "porch:1,2,3")
	expectFailure(t, 2, []string{"mask"}, "stream", "--mask", "1,2")
	expectFailure(t, 2, []string{"--min-score", "1.5"}, "stream", "--min-score", "person=1.5")
	expectFailure(t, 2, []string{"--min-area", "big"}, "stream", "--min-area", "big")
	expectFailure(t, 2, []string{"--stall-timeout"}, "stream", "--stall-timeout", "-1s")
	cfg := filepath.Join(t.TempDir(), "cam.yaml")
	os.WriteFile(cfg, []byte("source: testsrc:64x48\nzones: [a]\n"), 0o644)
	expectFailure(t, 1, []string{"cam.yaml:2", `"zones"`}, "stream", "--config", cfg)
}

// TestStreamConfigFile: a YAML file gives the source, the events, a zone and
// a label filter; the command line's --labels overrides the file's.
func TestStreamConfigFile(t *testing.T) {
	clip := writeAppearLeaveClip(t, 6, 0)
	cfg := filepath.Join(t.TempDir(), "front_door.yaml")
	text := "source: mjpeg:" + clip + "\nthreads: 2\nevents: true\nlabels: [square]\nzone:\n  all: [[0, 0], [256, 0], [256, 256], [0, 256]]\n"
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI("stream", "--config", cfg, "--labels", "circle")
	if code != 0 || stdout == "" {
		t.Fatalf("exit %d, %q: %s", code, stdout, stderr)
	}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var e events.Event
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Label != "circle" || !slices.Equal(e.Zones, []string{"all"}) {
			t.Fatalf("event %s", l)
		}
	}
}

// TestREADMEConfigExample: the config file the README shows is valid: every
// key is known and every value parses (the command line replaces what
// needs a camera, a broker or /var/lib).
func TestREADMEConfigExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\n# /etc/retina/front_door.yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README has no front_door.yaml example")
	}
	cfg := filepath.Join(t.TempDir(), "front_door.yaml")
	if err := os.WriteFile(cfg, []byte(example), 0o644); err != nil {
		t.Fatal(err)
	}
	clip := writeAppearLeaveClip(t, 2, 0)
	code, _, stderr := runCLI("stream", "--config", cfg, "--source", "mjpeg:"+clip, "--model", tinyModel, "--threads", "1",
		"--snapshots", t.TempDir(), "--http", "", "--mqtt", "", "--topic", "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
