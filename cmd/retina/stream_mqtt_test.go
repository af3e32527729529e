package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/retina-edge/retina/internal/mosquittotest"
)

// TestStreamMQTT: `retina stream --mqtt` publishes every frame's --json
// line, byte for byte, to a real broker; a subscriber reads them back.
func TestStreamMQTT(t *testing.T) {
	const n, topic = 5, "retina/test/cam1"
	url := mosquittotest.Start(t, 0).URL()
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
	url := fmt.Sprintf("tcp://127.0.0.1:%d", mosquittotest.FreePort(t))
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
