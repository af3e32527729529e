// Package mosquittotest runs a real mosquitto broker on 127.0.0.1 for the
// tests that publish over MQTT. Under -short those tests skip; otherwise a
// missing mosquitto fails them (testtool.Need).
package mosquittotest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"syscall"
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

// Start runs mosquitto on port (0: a free one), anonymous logins allowed,
// and waits until it listens; the test's cleanup stops it.
func Start(t testing.TB, port int) *Broker {
	t.Helper()
	return start(t, port, "allow_anonymous true\n")
}

// StartWithUser runs mosquitto on a free port accepting only user with
// password (a broker to test a refused login against).
func StartWithUser(t testing.TB, user, password string) *Broker {
	t.Helper()
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	if err := os.WriteFile(pw, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tool := testtool.Need(t, "mosquitto_passwd", "mosquitto")
	if out, err := exec.Command(tool, "-b", pw, user, password).CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v: %s", err, out)
	}
	return start(t, 0, "allow_anonymous false\npassword_file "+pw+"\n")
}

// StartPersistent runs mosquitto on port (0: a free one) keeping its state
// in dir across a Shutdown and a new StartPersistent on the same port and
// dir: a persistent session's subscriptions survive, and messages for it
// (QoS 0 too) queue while it is away. A subscriber made with
// SubscribeSession before an outage therefore sees, in order, everything
// published after the broker came back, however quickly a publisher
// reconnects.
func StartPersistent(t testing.TB, port int, dir string) *Broker {
	t.Helper()
	return start(t, port, "allow_anonymous true\npersistence true\npersistence_location "+dir+"/\nqueue_qos0_messages true\n")
}

// start runs mosquitto on port with conf (its login and persistence
// settings) after the listener line.
func start(t testing.TB, port int, conf string) *Broker {
	t.Helper()
	bin := testtool.Need(t, "mosquitto", "mosquitto")
	if port == 0 {
		port = FreePort(t)
	}
	cfg := filepath.Join(t.TempDir(), "mosquitto.conf")
	conf = fmt.Sprintf("listener %d 127.0.0.1\n", port) + conf
	if u, err := user.Current(); err == nil {
		// As root mosquitto would switch to user mosquitto, who cannot read
		// the test's files; staying this user is what a test wants.
		conf += "user " + u.Username + "\n"
	}
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", cfg)
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

// Sub returns the path of mosquitto_sub, the command-line subscriber.
func Sub(t testing.TB) string {
	t.Helper()
	return testtool.Need(t, "mosquitto_sub", "mosquitto-clients")
}

// Shutdown stops the broker as an operator would (SIGTERM): it saves its
// state first when persistent.
func (b *Broker) Shutdown() {
	if b.cmd.Process != nil && b.cmd.ProcessState == nil {
		b.cmd.Process.Signal(syscall.SIGTERM)
		b.cmd.Wait()
	}
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
