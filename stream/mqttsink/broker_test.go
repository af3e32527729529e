package mqttsink

import (
	"fmt"
	"net"
	"os/exec"
	"testing"
	"time"
)

// broker is a real mosquitto on 127.0.0.1 at a free port.
type broker struct {
	cmd  *exec.Cmd
	port int
}

func (b *broker) url() string { return fmt.Sprintf("tcp://127.0.0.1:%d", b.port) }

// startBroker fails the test (never skips) when mosquitto is not installed:
// CI must provide it.
func startBroker(t *testing.T, port int) *broker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		for _, p := range []string{"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
			if _, e := exec.LookPath(p); e == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		t.Fatalf("mosquitto not found (apt-get install -y mosquitto): %v", err)
	}
	if port == 0 {
		port = freePort(t)
	}
	cmd := exec.Command(bin, "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting mosquitto: %v", err)
	}
	b := &broker{cmd: cmd, port: port}
	t.Cleanup(b.stop)
	for i := 0; i < 200; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return b
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("mosquitto did not listen on port %d", port)
	return nil
}

func (b *broker) stop() {
	if b.cmd.Process != nil && b.cmd.ProcessState == nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
