// Package mosquittotest runs a real mosquitto broker on 127.0.0.1 for the
// tests that publish over MQTT. Under -short those tests skip; otherwise a
// missing mosquitto fails them (testtool.Need).
package mosquittotest

import (
	"fmt"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/testtool"
)

// Broker is a running mosquitto on 127.0.0.1.
type Broker struct {
	cmd  *exec.Cmd
	Port int
}

// URL is the broker's tcp:// address.
func (b *Broker) URL() string { return fmt.Sprintf("tcp://127.0.0.1:%d", b.Port) }

// Start runs mosquitto on port (0: a free one) and waits until it listens;
// the test's cleanup stops it.
func Start(t testing.TB, port int) *Broker {
	t.Helper()
	bin := testtool.Need(t, "mosquitto", "mosquitto")
	if port == 0 {
		port = FreePort(t)
	}
	cmd := exec.Command(bin, "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting mosquitto: %v", err)
	}
	b := &Broker{cmd: cmd, Port: port}
	t.Cleanup(b.Stop)
	for range 500 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return b
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("mosquitto did not listen on port %d", port)
	return nil
}

// Stop kills the broker (a broker going away mid-run, for reconnect tests).
func (b *Broker) Stop() {
	if b.cmd.Process != nil && b.cmd.ProcessState == nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
	}
}

// FreePort is a TCP port on 127.0.0.1 that nothing listened on a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
