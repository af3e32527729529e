//go:build linux

package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/testtool"
)

// startChromium runs Debian's chromium headless with remote debugging and
// returns the browser's DevTools websocket URL. It skips under -short and
// fails when chromium is missing (testtool.Need).
func startChromium(t *testing.T) string {
	t.Helper()
	bin := testtool.Need(t, "chromium", "chromium")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0",
		"--user-data-dir="+t.TempDir(), "about:blank")
	// Its own process group, so that the renderer and helper processes it
	// starts are stopped with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	var mu sync.Mutex
	var log strings.Builder
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			log.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(60 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("chromium printed no DevTools URL within a minute:\n%s", log.String())
	}
	return ""
}

// openPreviewInChromium starts headless Chromium and `retina stream` with
// the test model, its preview and the given flags, and opens the preview
// page; it returns the stream, the DevTools client and the page's session.
func openPreviewInChromium(t *testing.T, args ...string) (*streamProcess, *cdp, string) {
	t.Helper()
	wsURL := startChromium(t)
	sp := startStreamProcess(t, append([]string{"--model", tinyModel, "--threads", "1", "--min-size", "96", "--max-size", "160",
		"--score-threshold", "0.05", "--http", "127.0.0.1:0"}, args...)...)
	c, err := dialCDP(wsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	session, err := c.openPage("http://" + sp.addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	return sp, c, session
}

// pageState is what the test reads from the preview page's DOM.
type pageState struct {
	Ready    string `json:"ready"`
	Src      string `json:"src"`
	W        int    `json:"w"`
	H        int    `json:"h"`
	Hash     int64  `json:"hash"`
	Lit      int    `json:"lit"`
	Updates  int    `json:"updates"`
	Frame    string `json:"frame"`
	FPS      string `json:"fps"`
	Drops    string `json:"drops"`
	Items    int    `json:"items"`
	FirstDet string `json:"first"`
	Camera   string `json:"camera"`
	Events   int    `json:"events"`
	LastEv   string `json:"lastEvent"`
	SnapLink string `json:"snapLink"`
}

// pageProbe reads the state; the picture is drawn into a canvas to hash the
// frame the <img> shows now and to count its non-black pixels.
const pageProbe = `(function(){
  var img = document.getElementById('preview'), h = 0, lit = 0;
  // The page may still be parsing: wait until every element the probe reads exists.
  var ids = ['preview', 'updates', 'frame', 'fps', 'drops', 'detections', 'camera', 'events'];
  for (var k = 0; k < ids.length; k++) {
    if (!document.getElementById(ids[k])) return JSON.stringify({ready: document.readyState});
  }
  if (img.naturalWidth > 0) {
    var c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    var g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    var d = g.getImageData(0, 0, c.width, c.height).data;
    for (var i = 0; i < d.length; i += 4) {
      h = (h * 31 + d[i] + d[i+1] * 7 + d[i+2] * 13) | 0;
      if (d[i] + d[i+1] + d[i+2] > 30) lit++;
    }
  }
  var li = document.querySelector('#detections li');
  var ev = document.querySelector('#events li'), a = ev ? ev.querySelector('a') : null;
  return JSON.stringify({ready: document.readyState, src: img.getAttribute('src') || '',
    w: img.naturalWidth, h: img.naturalHeight, hash: h, lit: lit,
    updates: +document.getElementById('updates').textContent,
    frame: document.getElementById('frame').textContent,
    fps: document.getElementById('fps').textContent,
    drops: document.getElementById('drops').textContent,
    items: document.querySelectorAll('#detections li').length,
    first: li ? li.textContent : '',
    camera: document.getElementById('camera').textContent,
    events: document.querySelectorAll('#events li').length,
    lastEvent: ev ? ev.textContent : '', snapLink: a ? a.getAttribute('href') : ''});
})()`

// detectionItem is one line of the page's detection list.
var detectionItem = regexp.MustCompile(`^(?:#(\d+) )?(.+) (\d\.\d\d) \[(-?\d+) (-?\d+) (-?\d+) (-?\d+)\]$`)

// TestStreamPreviewInChromium loads the page `retina stream --http` serves
// in a real headless Chromium and checks, through the DevTools protocol,
// that the MJPEG preview shows moving pictures and that the detection list
// and the stats follow the server-sent events. Then SIGTERM stops the
// stream cleanly.
func TestStreamPreviewInChromium(t *testing.T) {
	sp, c, session := openPreviewInChromium(t, "--source", "testsrc:320x240", "--fps", "10", "--max-detections", "20")
	// poll reads the page until ok accepts it, for at most a minute.
	poll := func(what string, ok func(pageState) bool) pageState {
		t.Helper()
		var s pageState
		for deadline := time.Now().Add(time.Minute); ; {
			if err := c.eval(session, pageProbe, &s); err != nil {
				t.Fatal(err)
			}
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: page state after a minute: %+v\nstream stderr:\n%s", what, s, sp.errText())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	first := poll("preview and first update", func(s pageState) bool {
		return s.Ready == "complete" && s.W > 0 && s.Updates > 0 && s.Items > 0
	})
	if first.W != 320 || first.H != 240 || first.Src != "/stream.mjpg" || first.Lit < 320*240/2 {
		t.Fatalf("preview image %dx%d from %q with %d lit pixels: want the 320x240 stream, mostly lit", first.W, first.H, first.Src, first.Lit)
	}
	second := poll("later frame", func(s pageState) bool {
		return s.Updates > first.Updates && s.Frame != first.Frame && s.Hash != first.Hash
	})
	if n, err := strconv.Atoi(second.Frame); err != nil || n <= 0 {
		t.Fatalf("frame shown %q", second.Frame)
	}
	if fps, err := strconv.ParseFloat(second.FPS, 64); err != nil || fps <= 0 {
		t.Fatalf("fps shown %q", second.FPS)
	}
	if second.Items == 0 || second.Items > 20 || !detectionItem.MatchString(second.FirstDet) {
		t.Fatalf("detection list: %d items, first %q", second.Items, second.FirstDet)
	}

	if second.Camera != "up" {
		t.Fatalf("camera state shown %q", second.Camera)
	}
	// The test model sees an object in the test pattern within seconds:
	// the events list shows it, with a link to its snapshot.
	withEvent := poll("an event in the list", func(s pageState) bool { return s.Events > 0 && s.SnapLink != "" })
	if !regexp.MustCompile(`^\d.* #\d+ .+ (new|update|end) \d\.\d\d (in \S+ )?snapshot$`).MatchString(withEvent.LastEv) {
		t.Fatalf("event item %q", withEvent.LastEv)
	}
	snap, err := http.Get("http://" + sp.addr + withEvent.SnapLink)
	if err != nil {
		t.Fatal(err)
	}
	snap.Body.Close()
	if snap.StatusCode != 200 || snap.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("snapshot link %s: %s %s", withEvent.SnapLink, snap.Status, snap.Header.Get("Content-Type"))
	}

	resp, err := http.Get("http://" + sp.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`(?m)^retina_frames_total (\d+)$`).FindSubmatch(metrics)
	if m == nil || string(m[1]) == "0" || !strings.Contains(string(metrics), `retina_stage_busy_seconds_total{stage="heads"}`) {
		t.Fatalf("/metrics:\n%s", metrics)
	}

	code, stderr := sp.stop(t)
	if code != 0 || !regexp.MustCompile(`retina stream: \d+ frames, \d+ dropped`).MatchString(stderr) ||
		!strings.Contains(stderr, "ms per frame by stage: preprocess") {
		t.Fatalf("after SIGTERM: exit %d, stderr:\n%s", code, stderr)
	}
}
