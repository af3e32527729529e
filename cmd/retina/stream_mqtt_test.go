package main

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// startMosquitto runs a real mosquitto on 127.0.0.1 at a free port and
// returns its URL. It fails (never skips) when mosquitto is missing: CI
// installs it.
func startMosquitto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		if _, e := exec.LookPath("/usr/sbin/mosquitto"); e == nil {
			bin, err = "/usr/sbin/mosquitto", nil
		}
	}
	if err != nil {
		t.Fatalf("mosquitto not found: install it (apt-get install mosquitto): %v", err)
	}
	port := freePort(t)
	cmd := exec.Command(bin, "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting mosquitto: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for range 500 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return "tcp://" + addr
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("mosquitto does not listen on %s", addr)
	return ""
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

// TestStreamMQTT: `retina stream --mqtt` publishes every frame's --json
// line, byte for byte, to a real broker; a subscriber reads them back.
func TestStreamMQTT(t *testing.T) {
	const n, topic = 5, "retina/test/cam1"
	url := startMosquitto(t)
	msgs := make(chan string, 2*n)
	sub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("retina-test-sub"))
	if tok := sub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscriber: %v", tok.Error())
	}
	defer sub.Disconnect(0)
	tok := sub.Subscribe(topic, 1, func(_ mqtt.Client, m mqtt.Message) { msgs <- string(m.Payload()) })
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}

	clip, _ := writeMJPEGFrames(t, t.TempDir(), n)
	code, stdout, stderr := runCLI("stream", "--source", "mjpeg:"+clip, "--model", tinyModel, "--threads", "1",
		"--score-threshold", "0.05", "--min-size", "96", "--max-size", "160", "--json",
		"--mqtt", url, "--topic", topic, "--mqtt-client-id", "retina-test-pub", "--mqtt-qos", "1")
	if code != 0 {
		t.Fatalf("stream: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != n {
		t.Fatalf("%d JSON lines for %d frames", len(lines), n)
	}
	for i, want := range lines {
		select {
		case got := <-msgs:
			if got != want {
				t.Fatalf("message %d:\n got %s\nwant %s", i, got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("message %d of %d never arrived", i, n)
		}
	}
	if !strings.Contains(lines[0], `"detections":[{`) {
		t.Fatalf("frame 0 has no detections, the comparison proves little: %.200s", lines[0])
	}
	select {
	case extra := <-msgs:
		t.Fatalf("a message more than the frames: %.100s", extra)
	default:
	}
}

// A broker that is not there: one clear line naming it, exit 1, nothing on
// stdout.
func TestStreamMQTTBrokerDown(t *testing.T) {
	clip, _ := writeMJPEGFrames(t, t.TempDir(), 1)
	url := fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t))
	expectFailure(t, 1, []string{"--mqtt", "connecting to " + url},
		"stream", "--source", "mjpeg:"+clip, "--model", tinyModel, "--json", "--mqtt", url, "--topic", "t")
	code, stdout, _ := runCLI("stream", "--source", "mjpeg:"+clip, "--model", tinyModel, "--json", "--mqtt", url, "--topic", "t")
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
}

func TestStreamMQTTBadFlags(t *testing.T) {
	expectFailure(t, 2, []string{"--mqtt and --topic"}, "stream", "--model", tinyModel, "--mqtt", "tcp://127.0.0.1:1")
	expectFailure(t, 2, []string{"--mqtt and --topic"}, "stream", "--model", tinyModel, "--topic", "t")
	expectFailure(t, 2, []string{"--mqtt-qos 2"}, "stream", "--model", tinyModel, "--mqtt", "tcp://h", "--topic", "t", "--mqtt-qos", "2")
	expectFailure(t, 2, []string{"--mqtt", "unsupported scheme"}, "stream", "--model", tinyModel, "--mqtt", "broker:1883", "--topic", "t")
	expectFailure(t, 2, []string{"--mqtt", "no host"}, "stream", "--model", tinyModel, "--mqtt", "tcp://", "--topic", "t")
	expectFailure(t, 2, []string{"wildcard"}, "stream", "--model", tinyModel, "--mqtt", "tcp://127.0.0.1:1", "--topic", "a/#")
}
