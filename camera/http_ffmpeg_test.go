package camera

import (
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/testtool"
)

// ffmpegCamera is ffmpeg serving its test pattern as MJPEG over HTTP the way
// people run it as an IP camera: -f mpjpeg -listen 1, default content type.
type ffmpegCamera struct {
	t   *testing.T
	bin string
	url string
	cmd *exec.Cmd
}

func newFFmpegCamera(t *testing.T) *ffmpegCamera {
	bin := testtool.Need(t, "ffmpeg", "ffmpeg")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	c := &ffmpegCamera{t: t, bin: bin, url: "http://127.0.0.1:" + strconv.Itoa(port) + "/cam"}
	t.Cleanup(c.kill)
	return c
}

func (c *ffmpegCamera) start() {
	c.t.Helper()
	c.cmd = exec.Command(c.bin, "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi",
		"-i", "testsrc=size=320x240:rate=10", "-f", "mpjpeg", "-listen", "1", c.url)
	if err := c.cmd.Start(); err != nil {
		c.t.Fatalf("ffmpeg: %v", err)
	}
}

func (c *ffmpegCamera) kill() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGCONT)
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

// ffmpegOptions: quick retries and a stall timeout well above ffmpeg's
// 0.1 s frame interval.
func ffmpegOptions(events *eventLog) Options {
	return Options{ReopenMin: 50 * time.Millisecond, ReopenMax: 500 * time.Millisecond,
		StallTimeout: 1500 * time.Millisecond, OnEvent: events.add}
}

func readFFmpegFrames(t *testing.T, src Source, n int) uint64 {
	t.Helper()
	var last uint64
	for i := 0; i < n; i++ {
		f := awaitRead(t, readAsync(src)).must(t)
		if f.Format != MJPEG || f.Width != 320 || f.Height != 240 {
			t.Fatalf("frame %d: %v %dx%d", f.Seq, f.Format, f.Width, f.Height)
		}
		last = f.Seq
		f.Release()
	}
	return last
}

// streamingFFmpeg starts ffmpeg and a source reading it, and returns once
// frames flow, with the events so far (ffmpeg may be down at start) drained.
func streamingFFmpeg(t *testing.T) (*ffmpegCamera, Source, *eventLog) {
	cam := newFFmpegCamera(t)
	cam.start()
	events := newEventLog()
	src := openLiveT(t, cam.url, ffmpegOptions(events))
	readFFmpegFrames(t, src, 5)
	if st := statusOf(t, src); !st.Up {
		t.Fatalf("status %+v, want up", st)
	}
	events.drain()
	return cam, src, events
}

// TestFFmpegCameraKilledAndRestarted: the camera process dies; the source
// reports it down, keeps trying, and delivers again when it is restarted.
func TestFFmpegCameraKilledAndRestarted(t *testing.T) {
	cam, src, events := streamingFFmpeg(t)
	cam.kill()
	pending := readAsync(src)
	down := events.waitFor(t, CameraDown)
	t.Log(down)
	if st := statusOf(t, src); st.Up || st.Err == "" {
		t.Errorf("status after the kill %+v, want down with the cause", st)
	}
	time.Sleep(time.Second) // a few failed attempts against no server
	cam.start()
	f := awaitRead(t, pending).must(t)
	seq := f.Seq
	f.Release()
	back := events.waitFor(t, CameraBack)
	t.Log(back)
	if last := readFFmpegFrames(t, src, 5); last != seq+5 {
		t.Errorf("frame numbers: %d after the restart, then %d; want them to run on", seq, last)
	}
	if st := statusOf(t, src); !st.Up || st.Reconnects < 1 {
		t.Errorf("status after the restart %+v", st)
	}
}

// TestFFmpegCameraStartedAfterTheSource: down at start, then up.
func TestFFmpegCameraStartedAfterTheSource(t *testing.T) {
	cam := newFFmpegCamera(t)
	events := newEventLog()
	src := openLiveT(t, cam.url, ffmpegOptions(events))
	t.Log(events.waitFor(t, CameraDown))
	if st := statusOf(t, src); st.Up {
		t.Fatalf("status %+v before the camera started", st)
	}
	pending := readAsync(src)
	cam.start()
	awaitRead(t, pending).must(t).Release()
	t.Log(events.waitFor(t, CameraBack))
	readFFmpegFrames(t, src, 3)
	if st := statusOf(t, src); !st.Up {
		t.Errorf("status %+v", st)
	}
}

// TestFFmpegCameraPausedAndResumed: SIGSTOP longer than the stall timeout is
// a stall (down); after SIGCONT frames come again on the same connection,
// which is the only one ffmpeg -listen 1 serves.
func TestFFmpegCameraPausedAndResumed(t *testing.T) {
	cam, src, events := streamingFFmpeg(t)
	cam.signal(syscall.SIGSTOP)
	pending := readAsync(src)
	t.Log(events.waitFor(t, CameraStalled))
	if st := statusOf(t, src); st.Up || st.Stalls != 1 {
		t.Errorf("status during the pause %+v, want down with one stall", st)
	}
	time.Sleep(500 * time.Millisecond) // paused well past the stall timeout
	cam.signal(syscall.SIGCONT)
	awaitRead(t, pending).must(t).Release()
	// Not a timing assertion: a stall is declared no sooner than the timeout
	// after the silence began, and the outage is counted from there.
	if back := events.waitFor(t, CameraBack); back.Outage < 1500*time.Millisecond {
		t.Errorf("%v: the outage counts from the last frame, over the stall timeout", back)
	} else {
		t.Log(back)
	}
	readFFmpegFrames(t, src, 5)
	if st := statusOf(t, src); !st.Up || st.Stalls != 1 {
		t.Errorf("status after SIGCONT %+v", st)
	}
}
