package main

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/mosquittotest"
)

// The tiny test model's classes have no names.
var tinyLabels = []string{"class 0", "class 1", "class 2", "class 3"}

// retainedMQTT reads the retained messages under filter with mosquitto_sub
// --retained-only, as a user would: "topic payload" per line.
func retainedMQTT(t *testing.T, b *mosquittotest.Broker, filter string) []string {
	t.Helper()
	out, err := exec.Command(mosquittotest.Sub(t), "-h", "127.0.0.1", "-p", fmt.Sprint(b.Port),
		"-v", "--retained-only", "-W", "1", "-t", filter).Output()
	if ee, ok := err.(*exec.ExitError); err != nil && !(ok && ee.ExitCode() == 27) { // 27: -W timed out
		t.Fatalf("mosquitto_sub: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[0] == "" {
		return nil
	}
	slices.Sort(lines)
	return lines
}

// waitRetained polls mosquitto_sub until topic's retained payload is want.
func waitRetained(t *testing.T, b *mosquittotest.Broker, topic, want string) {
	t.Helper()
	var got []string
	for range 30 {
		if got = retainedMQTT(t, b, topic); slices.Contains(got, topic+" "+want) {
			return
		}
	}
	t.Fatalf("retained %s: %q, want %q", topic, got, want)
}

// TestStreamMQTT: `retina stream --mqtt --mqtt-frames --ha-discovery`
// publishes every frame's --json line, byte for byte, while connected;
// leaves the discovery configs, the label counts and availability offline
// retained after a clean exit.
func TestStreamMQTT(t *testing.T) {
	const n, topic = 8, "retina/test/cam1"
	b := mosquittotest.Start(t, 0)
	msgs := mosquittotest.Subscribe(t, b.URL(), topic+"/#")

	clip, _ := writeMJPEGFrames(t, t.TempDir(), n)
	code, stdout, stderr := runCLI("stream", "--source", "mjpeg:"+clip, "--fps", "4", "--model", tinyModel, "--threads", "1",
		"--score-threshold", "0.05", "--min-size", "96", "--max-size", "160", "--json",
		"--mqtt", b.URL(), "--topic", topic, "--mqtt-client-id", "retina-test-pub", "--mqtt-frames", "--ha-discovery")
	if code != 0 {
		t.Fatalf("stream: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("retina stream: mqtt: connected to 127.0.0.1:%d\n", b.Port)) {
		t.Errorf("no connected line: %s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != n || !strings.Contains(lines[0], `"detections":[{`) {
		t.Fatalf("%d JSON lines for %d frames (the first should have detections): %.200s", len(lines), n, stdout)
	}
	var frames []string
	var avail []string
	for done := false; !done; {
		select {
		case m := <-msgs:
			switch m.Topic {
			case topic + "/frames":
				frames = append(frames, m.Payload)
			case topic + "/availability":
				avail = append(avail, m.Payload)
				done = m.Payload == "offline"
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no availability offline after the exit; got %q", avail)
		}
	}
	// Frames go out only while connected: the first may come before the
	// connection; the last ones come seconds after it.
	if len(frames) == 0 || frames[len(frames)-1] != lines[n-1] {
		t.Fatalf("%d frame messages; the last %.100q, want %.100q", len(frames), frames[len(frames)-1:], lines[n-1])
	}
	for _, f := range frames {
		if !slices.Contains(lines, f) {
			t.Errorf("frame message is no --json line: %.200s", f)
		}
	}
	if !slices.Equal(avail, []string{"online", "offline"}) {
		t.Errorf("availability %q, want online then offline", avail)
	}

	retained := retainedMQTT(t, b, "#")
	want := []string{topic + "/availability offline"}
	for _, l := range tinyLabels {
		want = append(want, topic+"/"+l+" 0") // nothing is tracked once retina has stopped
	}
	for _, w := range want {
		if !slices.Contains(retained, w) {
			t.Errorf("not retained: %q (have %q)", w, retained)
		}
	}
	configs := 0
	for _, r := range retained {
		if strings.HasPrefix(r, "homeassistant/") {
			configs++
			topic, payload, _ := strings.Cut(r, " ")
			if !strings.HasSuffix(topic, "/config") || !json.Valid([]byte(payload)) {
				t.Errorf("discovery %s: %s", topic, payload)
			}
		}
	}
	if configs != 2*len(tinyLabels) {
		t.Errorf("%d discovery configs retained, want %d: %q", configs, 2*len(tinyLabels), retained)
	}
}

// TestStreamMQTTEvents: the tracked objects of a clip (shapes that appear,
// then leave) reach MQTT as the --events lines, with their track ids; each
// label's count rises above 0 and is left at 0, retained; with --labels
// the discovery configs are for the kept class only.
func TestStreamMQTTEvents(t *testing.T) {
	const topic = "retina/test/events"
	b := mosquittotest.Start(t, 0)
	msgs := mosquittotest.Subscribe(t, b.URL(), topic+"/#")
	clip := writeAppearLeaveClip(t, 8, 30)
	code, stdout, stderr := runCLI("stream", "--source", "mjpeg:"+clip, "--fps", "10", "--threads", "2", "--events",
		"--mqtt", b.URL(), "--topic", topic)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var got []string
	peak := map[string]int{}
	for len(got) < len(lines) {
		select {
		case m := <-msgs:
			label, isLabel := strings.CutPrefix(m.Topic, topic+"/")
			switch {
			case m.Topic == topic+"/events":
				got = append(got, m.Payload)
			case isLabel && label != "availability":
				n, err := strconv.Atoi(m.Payload)
				if err != nil {
					t.Fatalf("%s = %q", m.Topic, m.Payload)
				}
				peak[label] = max(peak[label], n)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d events over MQTT: %q", len(got), len(lines), got)
		}
	}
	labels := map[string]bool{}
	for i, l := range lines {
		var e, m struct {
			Track int
			Type  string
			Label string
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(got[i]), &m); err != nil || m != e || m.Track <= 0 {
			t.Errorf("MQTT event %d %s, --events printed %s", i, got[i], l)
		}
		labels[e.Label] = true
	}
	if len(labels) == 0 {
		t.Fatal("no events: the test proves nothing")
	}
	retained := retainedMQTT(t, b, topic+"/#")
	for l := range labels {
		if peak[l] < 1 {
			t.Errorf("count of %q never above 0 (peaks %v)", l, peak)
		}
		if !slices.Contains(retained, topic+"/"+l+" 0") {
			t.Errorf("count of %q not left at 0, retained: %q", l, retained)
		}
	}

	var keep string
	for l := range labels {
		keep = l
		break
	}
	code, _, stderr = runCLI("stream", "--source", "mjpeg:"+clip, "--threads", "2", "--labels", keep,
		"--mqtt", b.URL(), "--topic", "retina/test/kept", "--ha-discovery")
	if code != 0 {
		t.Fatalf("--labels %s: exit %d: %s", keep, code, stderr)
	}
	var configs []string
	for _, r := range retainedMQTT(t, b, "homeassistant/#") {
		if strings.Contains(r, "/retina_test_kept/") {
			topic, _, _ := strings.Cut(r, " ")
			configs = append(configs, topic)
		}
	}
	obj := strings.ReplaceAll(strings.ToLower(keep), " ", "_")
	want := []string{"homeassistant/binary_sensor/retina_test_kept/" + obj + "_detected/config",
		"homeassistant/sensor/retina_test_kept/" + obj + "_count/config"}
	if !slices.Equal(configs, want) {
		t.Errorf("--labels %s: discovery configs %q, want %q", keep, configs, want)
	}
}

// kill -9 of a running retina: the broker publishes its last will, and
// availability is left offline, retained (what Home Assistant shows as
// unavailable).
func TestStreamMQTTLastWill(t *testing.T) {
	const topic = "retina/test/will"
	b := mosquittotest.Start(t, 0)
	sp := startStreamProcess(t, "--source", "testsrc:160x120", "--fps", "5", "--model", tinyModel, "--threads", "1",
		"--min-size", "96", "--max-size", "160", "--http", "127.0.0.1:0", "--mqtt", b.URL(), "--topic", topic)
	waitRetained(t, b, topic+"/availability", "online")
	live := mosquittotest.Subscribe(t, b.URL(), topic+"/availability")
	if m := <-live; m.Payload != "online" || !m.Retained {
		t.Fatalf("availability %+v, want online retained", m)
	}
	if err := sp.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	sp.cmd.Wait()
	select {
	case m := <-live:
		if m.Payload != "offline" {
			t.Fatalf("after kill -9 availability %q, want offline", m.Payload)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no last will within 20 s of kill -9")
	}
	waitRetained(t, b, topic+"/availability", "offline")
}

// The broker is down when retina starts, comes up, is stopped mid-stream
// and restarted: retina keeps running, logs each change once, and no
// frame captured while the broker was away is delivered after it returns
// (the subscriber's session outlives the restart, so it misses nothing
// sent after it).
func TestStreamMQTTBrokerOutage(t *testing.T) {
	const topic = "retina/test/outage"
	mosquittotest.Sub(t) // skip under -short before starting anything
	port := mosquittotest.FreePort(t)
	sp := startStreamProcess(t, "--source", "testsrc:160x120", "--fps", "10", "--model", tinyModel, "--threads", "1",
		"--min-size", "96", "--max-size", "160", "--http", "127.0.0.1:0",
		"--mqtt", fmt.Sprintf("tcp://127.0.0.1:%d", port), "--topic", topic, "--mqtt-frames")
	waitLog(t, sp, fmt.Sprintf("mqtt: cannot connect to 127.0.0.1:%d", port))

	dir := t.TempDir()
	b := mosquittotest.StartPersistent(t, port, dir)
	waitLog(t, sp, fmt.Sprintf("mqtt: connected to 127.0.0.1:%d after", port))
	waitRetained(t, b, topic+"/availability", "online")
	frames := mosquittotest.SubscribeSession(t, b.URL(), topic+"/frames")
	<-frames // frames flow
	b.Shutdown()
	waitLog(t, sp, "mqtt: connection lost")
	time.Sleep(2 * time.Second) // frames keep coming meanwhile, to be dropped

	for len(frames) > 0 { // from before the outage
		<-frames
	}
	back := time.Now()
	b2 := mosquittotest.StartPersistent(t, port, dir)
	waitLog(t, sp, "mqtt: reconnected after")
	for i := range 5 {
		select {
		case m := <-frames:
			var f struct{ Time time.Time }
			if err := json.Unmarshal([]byte(m.Payload), &f); err != nil {
				t.Fatalf("frame %d: %v: %s", i, err, m.Payload)
			}
			if f.Time.Before(back) {
				t.Fatalf("frame captured at %v, while the broker was away (back at %v), delivered after it returned", f.Time, back)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%d frames after the broker came back", i)
		}
	}
	code, stderr := sp.stop(t)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"mqtt: cannot connect", "mqtt: connection lost", "mqtt: reconnected after"} {
		if n := strings.Count(stderr, s); n != 1 {
			t.Errorf("%q logged %d times, want once:\n%s", s, n, stderr)
		}
	}
	waitRetained(t, b2, topic+"/availability", "offline")
}

func TestStreamMQTTBadFlags(t *testing.T) {
	expectFailure(t, 2, []string{"--mqtt and --topic"}, "stream", "--model", tinyModel, "--mqtt", "tcp://127.0.0.1:1")
	expectFailure(t, 2, []string{"--mqtt and --topic"}, "stream", "--model", tinyModel, "--topic", "t")
	expectFailure(t, 2, []string{"--mqtt-qos 2"}, "stream", "--model", tinyModel, "--mqtt", "tcp://h", "--topic", "t", "--mqtt-qos", "2")
	expectFailure(t, 2, []string{"--mqtt-queue 0"}, "stream", "--model", tinyModel, "--mqtt", "tcp://h", "--topic", "t", "--mqtt-queue", "0")
	expectFailure(t, 2, []string{"--mqtt", "unsupported scheme"}, "stream", "--model", tinyModel, "--mqtt", "broker:1883", "--topic", "t")
	expectFailure(t, 2, []string{"--mqtt", "no host"}, "stream", "--model", tinyModel, "--mqtt", "tcp://", "--topic", "t")
	expectFailure(t, 2, []string{"wildcard"}, "stream", "--model", tinyModel, "--mqtt", "tcp://127.0.0.1:1", "--topic", "a/#")
	expectFailure(t, 2, []string{"discovery prefix", "wildcard"}, "stream", "--model", tinyModel, "--mqtt", "tcp://h", "--topic", "t",
		"--ha-discovery", "--ha-discovery-prefix", "ha/+")
	expectFailure(t, 2, []string{"need --mqtt"}, "stream", "--model", tinyModel, "--mqtt-frames")
}

// waitLog polls until the process's stderr has a line containing s.
func waitLog(t *testing.T, p *streamProcess, s string) {
	t.Helper()
	for range 3000 {
		if strings.Contains(p.errText(), s) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("retina stream logged no %q within 30 s:\n%s", s, p.errText())
}
