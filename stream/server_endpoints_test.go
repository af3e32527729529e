package stream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"net/textproto"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/internal/testtool"
	"github.com/retina-edge/retina/net/detect"
)

// greyPicture is a flat picture, so that drawn boxes stand out.
func greyPicture(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	return img
}

var personBox = detect.Detection{Class: 0, Label: "person", Score: 0.9, Box: [4]float32{20, 30, 80, 100}, Track: 7}

// The MJPEG stream sends each picture followed at once by the boundary
// that ends it and the next part's headers (a browser shows a part only
// once it has parsed them): after one frame the client can read the whole
// picture, its end and the next head, with no second frame published.
func TestMJPEGPartClosedAtOnce(t *testing.T) {
	srv := NewServer(func() Stats { return Stats{} }, "", 4)
	base := serve(t, srv)
	resp := get(t, base+"/stream.mjpg", "")
	defer resp.Body.Close()
	mt := resp.Header.Get("Content-Type")
	_, b, ok := strings.Cut(mt, "boundary=")
	if !strings.HasPrefix(mt, "multipart/x-mixed-replace;") || !ok {
		t.Fatalf("Content-Type %q", mt)
	}
	// A stream that holds the boundary back would block the reads below.
	defer time.AfterFunc(time.Minute, func() { resp.Body.Close() }).Stop()
	r := bufio.NewReader(resp.Body)
	readHead := func() {
		t.Helper()
		if line, err := r.ReadString('\n'); err != nil || line != "--"+b+"\r\n" {
			t.Fatalf("part opens with %q, %v", line, err)
		}
		if h, err := textproto.NewReader(r).ReadMIMEHeader(); err != nil || h.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("part headers %v, %v", h, err)
		}
	}
	readHead()
	for f := range uint64(2) {
		pic := greyPicture(160, 120)
		srv.OnFrame(&Result{Frame: f, Width: 160, Height: 120, Detections: []detect.Detection{personBox}}, pic)
		var part []byte
		for !bytes.HasSuffix(part, []byte("\r\n--"+b+"\r\n")) {
			c, err := r.ReadByte()
			if err != nil {
				t.Fatalf("frame %d: after %d bytes: %v", f, len(part), err)
			}
			part = append(part, c)
		}
		img, err := jpeg.Decode(bytes.NewReader(part[:len(part)-len(b)-6]))
		if err != nil || img.Bounds().Dx() != 160 {
			t.Fatalf("frame %d: part is not the 160x120 JPEG: %v", f, err)
		}
		if h, err := textproto.NewReader(r).ReadMIMEHeader(); err != nil || h.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("frame %d: next part's headers %v, %v", f, h, err)
		}
	}
}

// /latest.jpg serves the newest frame with its boxes drawn, to anyone and
// without a preview open; before the first frame it says there is none.
func TestLatestJPEG(t *testing.T) {
	srv := NewServer(func() Stats { return Stats{} }, "", 4)
	base := serve(t, srv)
	resp := get(t, base+"/latest.jpg", "")
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("before any frame: %s", resp.Status)
	}
	for f := range uint64(3) {
		srv.OnFrame(&Result{Frame: f, Width: 160, Height: 120, Detections: []detect.Detection{personBox}}, greyPicture(160, 120))
	}
	resp = get(t, base+"/latest.jpg", "")
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || resp.Header.Get("X-Retina-Frame") != "2" {
		t.Fatalf("%s, headers %v", resp.Status, resp.Header)
	}
	img, err := jpeg.Decode(resp.Body)
	if err != nil || img.Bounds() != image.Rect(0, 0, 160, 120) {
		t.Fatalf("decoding: %v %v", img, err)
	}
	// The box's left edge at x=20..21 is drawn; the middle of the box is not.
	if grey(img.At(20, 60)) || !grey(img.At(50, 60)) {
		t.Fatalf("box edge %v, inside %v: want the box drawn on the grey picture", img.At(20, 60), img.At(50, 60))
	}
}

// grey: close to the grey picture (JPEG is lossy).
func grey(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	near := func(v uint32) bool { return v>>8 > 110 && v>>8 < 146 }
	return near(r) && near(g) && near(b)
}

// /events lists the recent events newest first; a snapshot in the store is
// served at /events/ID/snapshot.jpg, an unknown one is a 404.
func TestEventsEndpoints(t *testing.T) {
	srv := NewServer(func() Stats { return Stats{} }, "", 4)
	base := serve(t, srv)
	zones := []string{"porch"}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	evs := []events.Event{{ID: "a-7", Type: events.New, Track: 7, Label: "person", Zones: zones, Start: start, Snapshot: true},
		{ID: "a-8", Type: events.New, Track: 8, Label: "car", Start: start}}
	srv.OnFrame(&Result{Frame: 1, Width: 8, Height: 8, Events: evs}, greyPicture(8, 8))
	zones[0] = "reused" // the engine reuses its slices: the server must have copied
	srv.OnFrame(&Result{Frame: 2, Width: 8, Height: 8, Events: []events.Event{{ID: "a-7", Type: events.End, Track: 7, Label: "person"}}}, greyPicture(8, 8))
	store, err := events.OpenSnapshotStore(events.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv.ServeSnapshots(store)
	store.Save("a-7", []byte("jpeg bytes"))

	resp := get(t, base+"/events", "")
	var got []events.Event
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || len(got) != 3 || got[0].Type != events.End || got[2].ID != "a-7" || got[2].Zones[0] != "porch" ||
		got[1].Zones == nil || !got[2].Start.Equal(start) {
		t.Fatalf("/events: %+v, %v", got, err)
	}
	resp = get(t, base+"/events/a-7/snapshot.jpg", "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "jpeg bytes" || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("snapshot: %s %q", resp.Status, b)
	}
	resp = get(t, base+"/events/a-8/snapshot.jpg", "")
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("missing snapshot: %s", resp.Status)
	}
}

// While no frame arrives the preview still gets the camera's state: a
// status refresh says the camera is down and why.
func TestSSEReportsCameraDown(t *testing.T) {
	since := time.Now()
	srv := NewServer(func() Stats {
		return Stats{Live: true, Camera: camera.Status{Up: false, Since: since, Err: "connection refused"}}
	}, "", 4)
	base := serve(t, srv)
	resp := get(t, base+"/detections", "")
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var m sseMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m.CameraUp || m.CameraError != "connection refused" || m.CameraSince == nil || m.Detections == nil {
			t.Fatalf("status message %s", line)
		}
		return
	}
	t.Fatalf("stream ended: %v", sc.Err())
}

// metricsStats has something in every metric family.
func metricsStats() Stats {
	st := Stats{Frames: 10, Drops: 2, FPS: 4.5, LastFrame: time.Now(), Live: true,
		Camera: camera.Status{Up: true, LastFrame: time.Now(), Reconnects: 3, Stalls: 1},
		Stages: []StageStat{{Name: "preprocess", Frames: 10, Busy: time.Second}, {Name: "heads", Frames: 10, Busy: 2 * time.Second}},
		Labels: []LabelStat{{Label: "person", Detections: 12, Events: [3]uint64{2, 5, 1}}, {Label: `odd "label"`, Detections: 1}}}
	for _, s := range []float64{0.02, 0.2, 0.2, 3} {
		st.Latency.observe(s)
	}
	return st
}

func scrape(t *testing.T, st Stats) string {
	t.Helper()
	base := serve(t, NewServer(func() Stats { return st }, "", 4))
	resp := get(t, base+"/metrics", "")
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// /metrics has the histogram, the camera's health and the per-label
// counters, each with the value the stats give.
func TestMetricsFamilies(t *testing.T) {
	text := scrape(t, metricsStats())
	for _, want := range []string{
		"# TYPE retina_latency_seconds histogram\n",
		`retina_latency_seconds_bucket{le="0.025"} 1` + "\n",
		`retina_latency_seconds_bucket{le="0.25"} 3` + "\n",
		`retina_latency_seconds_bucket{le="+Inf"} 4` + "\n",
		"retina_latency_seconds_count 4\n",
		"retina_camera_up 1\n",
		"retina_camera_reconnects_total 3\n",
		"retina_camera_stalls_total 1\n",
		`retina_detections_total{label="person"} 12` + "\n",
		`retina_detections_total{label="odd \"label\""} 1` + "\n",
		`retina_events_total{label="person",type="update"} 5` + "\n",
		`retina_stage_busy_seconds_total{stage="heads"} 2` + "\n",
		"retina_frames_total 10\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
	down := metricsStats()
	down.Camera.Up = false
	if text := scrape(t, down); !strings.Contains(text, "retina_camera_up 0\n") {
		t.Errorf("camera down: /metrics says\n%s", text)
	}
}

// promtool (Debian's prometheus package) accepts /metrics: the format and
// the naming conventions.
func TestMetricsPassPromtool(t *testing.T) {
	bin := testtool.Need(t, "promtool", "prometheus")
	for _, st := range []Stats{metricsStats(), {}} {
		text := scrape(t, st)
		cmd := exec.Command(bin, "check", "metrics")
		cmd.Stdin = strings.NewReader(text)
		if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("promtool check metrics: %v\n%s\non:\n%s", err, out, text)
		}
	}
}

// A tracked object's tag carries its id: it is wider than the untracked
// one's ("person #7 0.90" against "person 0.90").
func TestDrawnTagShowsTrack(t *testing.T) {
	drawn := func(track int) int {
		pic := greyPicture(160, 120)
		d := personBox
		d.Track = track
		drawDetections(pic, []detect.Detection{d}, nil)
		n := 0
		for y := range 120 {
			for x := range 160 {
				if !grey(pic.At(x, y)) {
					n++
				}
			}
		}
		return n
	}
	if untracked, tracked := drawn(0), drawn(7); tracked <= untracked {
		t.Fatalf("%d pixels drawn for a tracked object, %d untracked: no id in the tag", tracked, untracked)
	}
}
