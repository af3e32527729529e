//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/testtool"
)

// ffmpegCamera is ffmpeg serving Motion-JPEG over HTTP as an IP camera does
// (`-f mpjpeg -listen 1`, its default content type): the test shapes image
// at 10 fps, blacked out from second 2 to 6 of every 6, so that objects
// appear (new events) and leave (end events) over and over.
type ffmpegCamera struct {
	t    *testing.T
	bin  string
	addr string
	cmd  *exec.Cmd
}

func newFFmpegCamera(t *testing.T) *ffmpegCamera {
	t.Helper()
	bin := testtool.Need(t, "ffmpeg", "ffmpeg")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &ffmpegCamera{t: t, addr: addr, bin: bin}
	t.Cleanup(c.kill)
	return c
}

func (c *ffmpegCamera) url() string { return "http://" + c.addr + "/cam" }

// start runs ffmpeg; it listens for one client and exits when that client
// goes.
func (c *ffmpegCamera) start() {
	c.t.Helper()
	c.cmd = exec.Command(c.bin, "-hide_banner", "-loglevel", "error", "-re", "-loop", "1", "-framerate", "10", "-i", shapes,
		"-vf", "drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='gte(mod(t,6),2)'",
		"-q:v", "5", "-f", "mpjpeg", "-listen", "1", c.url())
	if err := c.cmd.Start(); err != nil {
		c.t.Fatalf("starting ffmpeg: %v", err)
	}
}

// kill stops ffmpeg at once (SIGKILL: the camera vanishes mid-frame).
func (c *ffmpegCamera) kill() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
		c.cmd = nil
	}
}

func (c *ffmpegCamera) signal(s syscall.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(s); err != nil {
		c.t.Fatal(err)
	}
}

// scrape reads one metric's value from /metrics.
func scrapeMetric(t *testing.T, addr, name string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %q", name, sc.Text())
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

// awaitStream polls until ok holds, failing after two minutes with what.
func awaitStream(t *testing.T, sp *streamProcess, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: gave up after two minutes\nstream stderr:\n%s", what, sp.errText())
		}
	}
}

// startCameraStream runs retina stream on the ffmpeg camera with the
// default model, --events and the preview (for /metrics).
func startCameraStream(t *testing.T, cam *ffmpegCamera, extra ...string) *streamProcess {
	t.Helper()
	return startStreamProcess(t, append([]string{"--source", cam.url(), "--threads", "1", "--min-size", "160", "--max-size", "160",
		"--events", "--http", "127.0.0.1:0"}, extra...)...)
}

// newEvents counts the "new" event lines retina has printed so far.
func newEvents(t *testing.T, sp *streamProcess) int {
	t.Helper()
	return eventLines(t, sp, "new")
}

// eventLines counts the event lines of a type retina has printed so far.
func eventLines(t *testing.T, sp *streamProcess, typ string) int {
	t.Helper()
	n := 0
	for _, l := range strings.Split(sp.outText(), "\n") {
		var e struct {
			Type  string `json:"type"`
			Track int    `json:"track"`
		}
		if json.Unmarshal([]byte(l), &e) == nil && e.Type == typ && e.Track > 0 {
			n++
		}
	}
	return n
}

// upAgain waits for the camera to be up with frames and new events after
// the point given.
func upAgain(t *testing.T, sp *streamProcess, what string, frames float64, events int) {
	t.Helper()
	awaitStream(t, sp, what+": retina_camera_up 1 and frames again", func() bool {
		return scrapeMetric(t, sp.addr, "retina_camera_up") == 1 && scrapeMetric(t, sp.addr, "retina_frames_total") > frames
	})
	awaitStream(t, sp, what+": a new event", func() bool { return newEvents(t, sp) > events })
}

var (
	downLine  = regexp.MustCompile(`(?m)^retina stream: camera down: `)
	backLine  = regexp.MustCompile(`(?m)^retina stream: camera back after `)
	stallLine = regexp.MustCompile(`(?m)^retina stream: camera stalled: `)
)

// lines counts re's lines in text.
func lines(re *regexp.Regexp, text string) int { return len(re.FindAllString(text, -1)) }

// TestStreamSurvivesCameraRestart: ffmpeg killed, while objects are in
// view, and started again; retina keeps running, logs the camera down and
// back, ends the objects, retina_camera_up goes 1 -> 0 -> 1, and frames and
// events resume.
func TestStreamSurvivesCameraRestart(t *testing.T) {
	cam := newFFmpegCamera(t)
	cam.start()
	sp := startCameraStream(t, cam)
	upAgain(t, sp, "start", 0, 0)

	// (ffmpeg may not listen yet when retina first connects: a down and
	// back at the start are fine; the kill must add its own.)
	downs, backs := lines(downLine, sp.errText()), lines(backLine, sp.errText())
	awaitStream(t, sp, "an object in view", func() bool { return eventLines(t, sp, "new") > eventLines(t, sp, "end") })
	ends := eventLines(t, sp, "end")
	cam.kill()
	awaitStream(t, sp, "retina_camera_up 0 after ffmpeg was killed", func() bool { return scrapeMetric(t, sp.addr, "retina_camera_up") == 0 })
	// Objects in view when the camera went down are ended.
	awaitStream(t, sp, "end events for the objects in view", func() bool { return eventLines(t, sp, "end") > ends })
	frames, events := scrapeMetric(t, sp.addr, "retina_frames_total"), newEvents(t, sp)
	cam.start()
	upAgain(t, sp, "ffmpeg restarted", frames, events)
	if reconnects := scrapeMetric(t, sp.addr, "retina_camera_reconnects_total"); reconnects < 1 {
		t.Errorf("retina_camera_reconnects_total %v after a restart", reconnects)
	}
	code, stderr := sp.stop(t)
	if code != 0 || lines(downLine, stderr) != downs+1 || lines(backLine, stderr) != backs+1 {
		t.Fatalf("exit %d; want one more camera down and back logged (had %d and %d):\n%s", code, downs, backs, stderr)
	}
	t.Logf("stderr:\n%s", stderr)
}

// TestStreamWaitsForCameraDownAtStart: retina started before its camera
// keeps trying, says the camera is down, and runs once ffmpeg starts.
func TestStreamWaitsForCameraDownAtStart(t *testing.T) {
	cam := newFFmpegCamera(t)
	sp := startCameraStream(t, cam)
	awaitStream(t, sp, "camera down logged", func() bool { return lines(downLine, sp.errText()) > 0 })
	if up := scrapeMetric(t, sp.addr, "retina_camera_up"); up != 0 {
		t.Fatalf("retina_camera_up %v with no camera", up)
	}
	cam.start()
	upAgain(t, sp, "ffmpeg started", 0, 0)
	// Failed retries while it was down are no state changes: one line each.
	if code, stderr := sp.stop(t); code != 0 || lines(downLine, stderr) != 1 || lines(backLine, stderr) != 1 {
		t.Fatalf("exit %d; want one camera down and one back logged:\n%s", code, stderr)
	}
}

// TestStreamReportsStall: ffmpeg paused (SIGSTOP) for longer than the
// stall timeout is logged as a stall and counted, the camera is down
// meanwhile, and frames resume after SIGCONT.
func TestStreamReportsStall(t *testing.T) {
	cam := newFFmpegCamera(t)
	cam.start()
	sp := startCameraStream(t, cam, "--stall-timeout", "1s")
	upAgain(t, sp, "start", 0, 0)

	backs := lines(backLine, sp.errText())
	cam.signal(syscall.SIGSTOP)
	awaitStream(t, sp, "retina_camera_up 0 while ffmpeg is stopped", func() bool { return scrapeMetric(t, sp.addr, "retina_camera_up") == 0 })
	awaitStream(t, sp, "a stall logged and counted", func() bool {
		return scrapeMetric(t, sp.addr, "retina_camera_stalls_total") >= 1 && stallLine.MatchString(sp.errText())
	})
	frames := scrapeMetric(t, sp.addr, "retina_frames_total")
	cam.signal(syscall.SIGCONT)
	awaitStream(t, sp, "frames after SIGCONT", func() bool {
		return scrapeMetric(t, sp.addr, "retina_camera_up") == 1 && scrapeMetric(t, sp.addr, "retina_frames_total") > frames
	})
	code, stderr := sp.stop(t)
	if code != 0 || lines(stallLine, stderr) != 1 || lines(backLine, stderr) != backs+1 {
		t.Fatalf("exit %d; want one stall and one more camera back logged:\n%s", code, stderr)
	}
	t.Logf("stderr:\n%s", stderr)
}

// TestPreviewShowsCameraDown: the preview page's stats bar says the camera
// is down (with the cause) while it is, and up once frames come.
func TestPreviewShowsCameraDown(t *testing.T) {
	cam := newFFmpegCamera(t)
	sp, c, session := openPreviewInChromium(t, "--source", cam.url())
	poll := func(what string, ok func(string) bool) {
		t.Helper()
		awaitStream(t, sp, what, func() bool {
			var s pageState
			if err := c.eval(session, pageProbe, &s); err != nil {
				t.Fatal(err)
			}
			return ok(s.Camera)
		})
	}
	poll("the page saying the camera is down", func(s string) bool {
		return strings.HasPrefix(s, "DOWN since ") && strings.Contains(s, "connection refused")
	})
	cam.start()
	poll("the page saying the camera is up", func(s string) bool { return s == "up" })
}
