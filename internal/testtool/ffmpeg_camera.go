package testtool

import (
	"net"
	"os/exec"
	"syscall"
	"testing"
)

// FFmpegCamera is ffmpeg serving Motion-JPEG over HTTP as people run it as
// an IP camera: `-f mpjpeg -listen 1` with its default content type. It
// listens for one client and exits when that client goes, as ffmpeg does.
type FFmpegCamera struct {
	t    testing.TB
	bin  string
	addr string
	cmd  *exec.Cmd
}

// NewFFmpegCamera picks a free port for a camera the test starts with
// Start; the test's cleanup kills it. Under -short it skips the test.
func NewFFmpegCamera(t testing.TB) *FFmpegCamera {
	t.Helper()
	bin := Need(t, "ffmpeg", "ffmpeg")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &FFmpegCamera{t: t, bin: bin, addr: ln.Addr().String()}
	ln.Close()
	t.Cleanup(c.Kill)
	return c
}

// URL is the camera's stream address.
func (c *FFmpegCamera) URL() string { return "http://" + c.addr + "/cam" }

// Start runs ffmpeg with input the arguments that make its picture (e.g.
// -f lavfi -i testsrc=...), serving it at URL; again after Kill, it is a
// camera coming back.
func (c *FFmpegCamera) Start(input ...string) {
	c.t.Helper()
	args := append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-re"}, input...)
	c.cmd = exec.Command(c.bin, append(args, "-f", "mpjpeg", "-listen", "1", c.URL())...)
	if err := c.cmd.Start(); err != nil {
		c.t.Fatalf("starting ffmpeg: %v", err)
	}
}

// Kill stops ffmpeg at once (SIGKILL, after a SIGCONT in case it was
// paused): the camera vanishes mid-frame.
func (c *FFmpegCamera) Kill() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGCONT)
		c.cmd.Process.Kill()
		c.cmd.Wait()
		c.cmd = nil
	}
}

// Signal sends s to ffmpeg (SIGSTOP and SIGCONT pause and resume it: a
// stalled camera).
func (c *FFmpegCamera) Signal(s syscall.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(s); err != nil {
		c.t.Fatal(err)
	}
}
