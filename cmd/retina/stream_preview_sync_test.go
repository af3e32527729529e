//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// syncProbe reads, in one go, the frame number and detection list the page
// shows and the picture on screen, then fetches /latest.jpg (the newest
// frame, which says its number) and compares its pixels with the picture's.
// A sample counts when nothing changed while it was taken (the list's frame
// before and after, the picture before and after, and /latest.jpg's frame
// agree).
const syncProbe = `(async function(){
  var img = document.getElementById('preview');
  if (!img || !img.naturalWidth || !document.querySelector('#frame')) return JSON.stringify({});
  function pixels(src, w, h){
    var c = document.createElement('canvas'); c.width = w; c.height = h;
    var g = c.getContext('2d'); g.drawImage(src, 0, 0);
    return g.getImageData(0, 0, w, h).data;
  }
  function items(){
    return Array.prototype.map.call(document.querySelectorAll('#detections li'), function(li){ return li.textContent; });
  }
  var w = img.naturalWidth, h = img.naturalHeight;
  var frame = document.getElementById('frame').textContent, list = items();
  var shown = pixels(img, w, h);
  var r = await fetch('/latest.jpg', {cache: 'no-store'});
  var latestFrame = r.headers.get('X-Retina-Frame');
  var latest = pixels(await createImageBitmap(await r.blob()), w, h);
  var shownAfter = pixels(img, w, h);
  var stable = document.getElementById('frame').textContent === frame && latestFrame === frame;
  var diff = 0;
  for (var i = 0; i < shown.length; i++) {
    if (shown[i] !== shownAfter[i]) stable = false;
    diff += Math.abs(shown[i] - latest[i]);
  }
  return JSON.stringify({frame: frame, stable: stable, diff: diff / shown.length, items: list});
})()`

type syncSample struct {
	Frame  string   `json:"frame"`
	Stable bool     `json:"stable"`
	Diff   float64  `json:"diff"`
	Items  []string `json:"items"`
}

// TestPreviewPictureMatchesList: with a 1 fps camera, the picture Chromium
// shows is the frame whose number and detections the page lists: its pixels
// equal /latest.jpg's for that frame, and the list equals that frame's
// detections in --json. With each MJPEG part's boundary sent only with the
// next frame, the picture would be a frame behind the list for the whole
// second, and its pixels would differ (the test pattern moves every frame).
func TestPreviewPictureMatchesList(t *testing.T) {
	sp, c, session := openPreviewInChromium(t, "--source", "testsrc:160x120", "--fps", "1", "--max-detections", "5", "--json")
	const want = 3
	samples := map[string]syncSample{}
	for deadline := time.Now().Add(2 * time.Minute); len(samples) < want; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d settled samples in two minutes: %v\nstream stderr:\n%s", len(samples), samples, sp.errText())
		}
		var s syncSample
		if err := c.eval(session, syncProbe, &s); err != nil {
			t.Fatal(err)
		}
		if s.Stable && s.Frame != "" && s.Frame != "0" {
			samples[s.Frame] = s
		}
		time.Sleep(150 * time.Millisecond)
	}
	code, stderr := sp.stop(t)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := map[string]streamLine{}
	for _, l := range strings.Split(strings.TrimSpace(sp.outText()), "\n") {
		var sl streamLine
		if err := json.Unmarshal([]byte(l), &sl); err != nil {
			t.Fatalf("--json line %q: %v", l, err)
		}
		lines[strconv.FormatUint(sl.Frame, 10)] = sl
	}
	for frame, s := range samples {
		if s.Diff != 0 {
			t.Errorf("frame %s: the picture on screen differs from /latest.jpg's frame %s by %.2f per channel: it is another frame", frame, frame, s.Diff)
		}
		line, ok := lines[frame]
		if !ok {
			t.Fatalf("frame %s is not in --json", frame)
		}
		if len(line.Detections) != len(s.Items) {
			t.Fatalf("frame %s: page lists %q, --json has %v", frame, s.Items, line.Detections)
		}
		for i, d := range line.Detections {
			m := detectionItem.FindStringSubmatch(s.Items[i])
			if m == nil {
				t.Fatalf("frame %s: item %q", frame, s.Items[i])
			}
			score, _ := strconv.ParseFloat(m[3], 64)
			x1, _ := strconv.Atoi(m[4])
			track := ""
			if d.Track != 0 {
				track = fmt.Sprint(d.Track)
			}
			if m[1] != track || m[2] != d.Label || score-float64(d.Score) > 0.006 || float64(d.Score)-score > 0.006 ||
				float64(x1)-float64(d.Box[0]) > 0.51 || float64(d.Box[0])-float64(x1) > 0.51 {
				t.Errorf("frame %s: item %d %q is not %+v", frame, i, s.Items[i], d)
			}
		}
	}
}
