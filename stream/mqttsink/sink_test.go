package mqttsink

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/retina-edge/retina/internal/mosquittotest"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/stream"
)

func subscribe(t *testing.T, url, topic string) <-chan []byte {
	t.Helper()
	out := make(chan []byte, 100)
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("test-sub"))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscriber connect: %v", tok.Error())
	}
	tok := c.Subscribe(topic, 1, func(_ mqtt.Client, m mqtt.Message) { out <- m.Payload() })
	if !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(0) })
	return out
}

func result(n uint64) *stream.Result {
	return &stream.Result{
		Frame: n, Time: time.Date(2026, 11, 28, 15, 0, 0, int(n)*1000, time.UTC),
		Width: 640, Height: 480,
		Detections: []detect.Detection{{Class: 1, Label: "person", Score: 0.875, Box: [4]float32{1, 2.5, 30, 40}}},
	}
}

func TestPublishRoundTrip(t *testing.T) {
	b := mosquittotest.Start(t, 0)
	msgs := subscribe(t, b.URL(), "cams/test")
	s, err := New(b.URL(), "cams/test", "test-pub", Options{QoS: 1})
	if err != nil {
		t.Fatal(err)
	}
	for n := uint64(1); n <= 5; n++ {
		if err := s.Publish(result(n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Publish(&stream.Result{Frame: 6, Time: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	for n := uint64(1); n <= 6; n++ {
		var got []byte
		select {
		case got = <-msgs:
		case <-time.After(5 * time.Second):
			t.Fatalf("message %d never arrived", n)
		}
		var want string
		if n <= 5 {
			want = `{"frame":` + string(rune('0'+n)) + `,"time":"2026-11-28T15:00:00.00000` + string(rune('0'+n)) + `Z",` +
				`"detections":[{"class":1,"label":"person","score":0.875,"box":[1,2.5,30,40]}]}`
		} else {
			want = `{"frame":6,"time":"1970-01-01T00:00:00Z","detections":[]}`
		}
		if string(got) != want {
			t.Errorf("message %d:\n got %s\nwant %s", n, got, want)
		}
		var m map[string]any
		if err := json.Unmarshal(got, &m); err != nil {
			t.Errorf("message %d not JSON: %v", n, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if pub, drop, fail := s.Stats(); pub != 6 || drop != 0 || fail != 0 {
		t.Errorf("stats = %d published, %d dropped, %d failed; want 6, 0, 0", pub, drop, fail)
	}
	if err := s.Publish(result(7)); err == nil {
		t.Error("Publish after Close succeeded")
	}
}

// A broker that is down at start-up makes New fail with the address in the
// error, rather than queueing forever.
func TestBrokerDownAtStart(t *testing.T) {
	port := mosquittotest.FreePort(t)
	_, err := New("tcp://127.0.0.1:"+itoa(port), "t", "c", Options{ConnectTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "--mqtt: connecting to tcp://127.0.0.1:"+itoa(port)) {
		t.Fatalf("err = %v", err)
	}
}

// Killing the broker mid-run: Publish keeps returning at once, the queue
// stays bounded (oldest dropped, counted) and Close gives up after its
// timeout reporting the unsent messages.
func TestBrokerKilledMidRun(t *testing.T) {
	b := mosquittotest.Start(t, 0)
	s, err := New(b.URL(), "cams/test", "test-pub", Options{QueueLen: 4, CloseTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(result(1)); err != nil {
		t.Fatal(err)
	}
	b.Stop()
	waitDisconnected(t, s)
	for n := uint64(2); n <= 21; n++ {
		if err := s.Publish(result(n)); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.pending(); got != 4 {
		t.Errorf("queue holds %d, want 4 (the bound)", got)
	}
	_, drop, _ := s.Stats()
	if drop != 16 {
		t.Errorf("dropped = %d, want 16 (20 queued into 4 slots)", drop)
	}
	err = s.Close()
	if err == nil || !strings.Contains(err.Error(), "4 unsent") {
		t.Errorf("Close err = %v, want 4 unsent", err)
	}
}

// The sink reconnects by itself when the broker comes back on the same port.
func TestReconnect(t *testing.T) {
	b := mosquittotest.Start(t, 0)
	s, err := New(b.URL(), "cams/test", "test-pub", Options{QoS: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b.Stop()
	waitDisconnected(t, s)
	if err := s.Publish(result(3)); err != nil {
		t.Fatal(err)
	}
	b2 := mosquittotest.Start(t, b.Port)
	msgs := subscribe(t, b2.URL(), "cams/test")
	if err := s.Publish(result(4)); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(15 * time.Second)
	for {
		select {
		case got := <-msgs:
			if strings.HasPrefix(string(got), `{"frame":4,`) {
				return
			}
		case <-deadline:
			t.Fatal("no message after the broker came back")
		}
	}
}

// waitDisconnected waits until the client has noticed the broker is gone.
func waitDisconnected(t *testing.T, s *Sink) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if !s.client.IsConnectionOpen() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("client still connected 5s after the broker was killed")
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestBadURLs(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"localhost:1883", "unsupported scheme"},
		{"host", "no scheme"},
		{"http://h:1", "unsupported scheme"},
		{"tcp://", "no host"},
		{"tcp://h:1 2", "bad broker URL"},
	} {
		_, err := New(c.url, "t", "c", Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "--mqtt: ") {
			t.Errorf("New(%q) err = %v, want %q", c.url, err, c.want)
		}
	}
	if _, err := New("tcp://h", "a/+/b", "c", Options{}); err == nil || !strings.Contains(err.Error(), "wildcard") {
		t.Errorf("wildcard topic err = %v", err)
	}
	if _, err := New("tcp://h", "t", "c", Options{QoS: 2}); err == nil || !strings.Contains(err.Error(), "QoS 2") {
		t.Errorf("QoS 2 err = %v", err)
	}
}

func TestBrokerAddr(t *testing.T) {
	srv, u, p, err := brokerAddr("tcp://alice:s3cret@broker.local")
	if err != nil || srv != "tcp://broker.local:1883" || u != "alice" || p != "s3cret" {
		t.Errorf("got %q %q %q %v", srv, u, p, err)
	}
}
