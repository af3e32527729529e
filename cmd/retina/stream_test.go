package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/preprocess"
)

// streamLine is one line of `retina stream --json`.
type streamLine struct {
	Frame      uint64             `json:"frame"`
	Time       string             `json:"time"`
	Detections []detect.Detection `json:"detections"`
}

// writeMJPEGFrames encodes crops of the astronaut as JPEG frames, writes
// them back to back into one MJPEG file and each into its own .jpg.
func writeMJPEGFrames(t *testing.T, dir string, n int) (mjpeg string, stills []string) {
	t.Helper()
	img, err := preprocess.DecodeFile(astronaut, maxImagePixels)
	if err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	for i := range n {
		r := image.Rect(i*16, i*8, i*16+160, i*8+120)
		crop := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		for y := range r.Dy() {
			for x := range r.Dx() {
				crop.Set(x, y, img.At(r.Min.X+x, r.Min.Y+y))
			}
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, crop, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		still := filepath.Join(dir, fmt.Sprintf("frame%02d.jpg", i))
		if err := os.WriteFile(still, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		stills = append(stills, still)
		all.Write(b.Bytes())
	}
	mjpeg = filepath.Join(dir, "clip.mjpg")
	if err := os.WriteFile(mjpeg, all.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return mjpeg, stills
}

// TestStreamMatchesDetect: every frame of an MJPEG file gets exactly the
// detections `retina detect` finds in the same frame saved as a .jpg, with
// the network stages taking turns and overlapping (--head-threads); the
// tracker only adds ids.
func TestStreamMatchesDetect(t *testing.T) {
	const n = 6
	clip, stills := writeMJPEGFrames(t, t.TempDir(), n)
	flags := []string{"--model", tinyModel, "--json", "--threads", "2", "--score-threshold", "0.05", "--min-size", "96", "--max-size", "160"}
	code, dout, derr := runCLI(append(append([]string{"detect"}, flags...), stills...)...)
	if code != 0 {
		t.Fatalf("detect: exit %d: %s", code, derr)
	}
	want := strings.Split(strings.TrimSpace(dout), "\n")
	for _, extra := range [][]string{nil, {"--head-threads", "1"}} {
		code, stdout, stderr := runCLI(append(append([]string{"stream", "--source", "mjpeg:" + clip}, flags...), extra...)...)
		if code != 0 {
			t.Fatalf("stream %v: exit %d: %s", extra, code, stderr)
		}
		if !strings.Contains(stderr, fmt.Sprintf("%d frames, 0 dropped", n)) {
			t.Fatalf("stream %v: summary %q, want %d frames and no drops", extra, stderr, n)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if len(lines) != n {
			t.Fatalf("stream %v: %d JSON lines for %d frames:\n%s", extra, len(lines), n, stdout)
		}
		total, tracked := 0, 0
		for i, line := range lines {
			var got streamLine
			if err := json.Unmarshal([]byte(line), &got); err != nil {
				t.Fatalf("line %d not JSON: %q", i, line)
			}
			if got.Frame != uint64(i) {
				t.Fatalf("line %d has frame %d", i, got.Frame)
			}
			if _, err := time.Parse(time.RFC3339Nano, got.Time); err != nil {
				t.Fatalf("line %d: time %q: %v", i, got.Time, err)
			}
			var d imageResult
			if err := json.Unmarshal([]byte(want[i]), &d); err != nil {
				t.Fatal(err)
			}
			for k := range got.Detections {
				tracked += min(got.Detections[k].Track, 1)
				got.Detections[k].Track = 0
			}
			if got.Detections == nil || !reflect.DeepEqual(got.Detections, d.Detections) {
				t.Fatalf("stream %v, frame %d: stream found %v, detect found %v", extra, i, got.Detections, d.Detections)
			}
			total += len(got.Detections)
		}
		if total == 0 {
			t.Fatal("no detections in any frame: the comparison proves nothing")
		}
		t.Logf("stream %v: %d detections, %d of them tracked", extra, total, tracked)
	}
}

// TestStreamBadFlags: usage errors name the flag.
func TestStreamBadFlags(t *testing.T) {
	expectFailure(t, 2, []string{"--size"}, "stream", "--model", tinyModel, "--size", "big")
	expectFailure(t, 2, []string{"--fps"}, "stream", "--model", tinyModel, "--fps", "-3")
	expectFailure(t, 2, []string{"--http"}, "stream", "--model", tinyModel, "--http", "nowhere")
	expectFailure(t, 2, []string{"--head-threads"}, "stream", "--model", tinyModel, "--head-threads", "-1")
	expectFailure(t, 1, []string{"nosuch.mjpg"}, "stream", "--model", tinyModel, "--source", "mjpeg:nosuch.mjpg")
}
