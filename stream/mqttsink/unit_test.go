package mqttsink

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/mosquittotest"
)

func TestTopics(t *testing.T) {
	tp, err := newTopics("cams/door", []string{"person", "traffic light", "a/b+c#"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"cams/door/person", "cams/door/traffic light", "cams/door/a_b_c_"}
	for i, w := range want {
		if tp.counts[i] != w {
			t.Errorf("count topic %d = %q, want %q", i, tp.counts[i], w)
		}
	}
	if tp.events != "cams/door/events" || tp.availability != "cams/door/availability" || tp.frames != "cams/door/frames" {
		t.Errorf("topics %+v", tp)
	}
	for _, c := range []struct {
		labels []string
		want   string
	}{
		{[]string{"events"}, "retina uses for events"},
		{[]string{"a/b", "a+b"}, `labels "a/b" and "a+b"`},
	} {
		if _, err := newTopics("x", c.labels); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("labels %q: err %v, want %q", c.labels, err, c.want)
		}
	}
	for _, c := range []struct{ topic, want string }{
		{"", "empty"}, {"a/+/b", "wildcard"}, {"a/#", "wildcard"}, {"$SYS/x", "broker's own"}, {"a/", "trailing"},
	} {
		if err := checkTopic(c.topic); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("checkTopic(%q) = %v, want %q", c.topic, err, c.want)
		}
	}
	if s := slug("Retina/Front Door--2"); s != "retina_front_door_2" {
		t.Errorf("slug = %q", s)
	}
}

// The discovery configs carry what Home Assistant needs to build a
// binary_sensor and a sensor per label on one device, wired to the count
// and availability topics.
func TestDiscoveryPayloads(t *testing.T) {
	labels := []string{"person", "traffic light", "Person"}
	tp, err := newTopics("cams/front_door", labels)
	if err != nil {
		t.Fatal(err)
	}
	msgs := discoveryMessages("ha", tp, labels, 1, "v1.2")
	if len(msgs) != 6 {
		t.Fatalf("%d configs, want 6", len(msgs))
	}
	ids := map[string]bool{}
	for i, m := range msgs {
		label := labels[i/2]
		var c map[string]any
		if err := json.Unmarshal(m.payload, &c); err != nil {
			t.Fatalf("%s: %v", m.topic, err)
		}
		parts := strings.Split(m.topic, "/")
		if len(parts) != 5 || parts[0] != "ha" || parts[2] != "retina_cams_front_door" || parts[4] != "config" {
			t.Errorf("topic %q, want ha/COMPONENT/retina_cams_front_door/OBJECT/config", m.topic)
		}
		for _, k := range []string{"name", "unique_id", "state_topic", "availability_topic", "payload_available", "payload_not_available", "device", "origin"} {
			if _, ok := c[k]; !ok {
				t.Errorf("%s: no %q", m.topic, k)
			}
		}
		if c["state_topic"] != tp.counts[i/2] || c["availability_topic"] != "cams/front_door/availability" {
			t.Errorf("%s: topics %v %v", m.topic, c["state_topic"], c["availability_topic"])
		}
		id := c["unique_id"].(string)
		if ids[id] {
			t.Errorf("unique_id %q twice", id)
		}
		ids[id] = true
		dev := c["device"].(map[string]any)
		if dev["name"] != "front_door" || dev["model"] != "retina" || dev["sw_version"] != "v1.2" ||
			len(dev["identifiers"].([]any)) != 1 || dev["identifiers"].([]any)[0] != "retina_cams_front_door" {
			t.Errorf("%s: device %v", m.topic, dev)
		}
		switch parts[1] {
		case "binary_sensor":
			if c["name"] != label+" detected" || c["value_template"] != detectedTemplate || c["payload_on"] != "ON" || c["payload_off"] != "OFF" {
				t.Errorf("%s: %s", m.topic, m.payload)
			}
		case "sensor":
			if c["name"] != label+" count" || c["state_class"] != "measurement" {
				t.Errorf("%s: %s", m.topic, m.payload)
			}
		default:
			t.Errorf("component %q", parts[1])
		}
	}
}

func TestRing(t *testing.T) {
	q := newRing(3)
	for i := range 5 {
		dropped := q.push([]byte{byte(i)})
		if dropped != (i >= 3) {
			t.Errorf("push %d: dropped %v", i, dropped)
		}
	}
	b, _ := q.pop()
	if b[0] != 2 || q.len() != 2 {
		t.Fatalf("pop = %v, len %d", b, q.len())
	}
	if q.pushFront(b) || q.len() != 3 {
		t.Fatal("pushFront into a queue with room failed")
	}
	if !q.pushFront([]byte{9}) {
		t.Error("pushFront into a full queue did not drop")
	}
	for want := byte(2); want <= 4; want++ {
		if b, ok := q.pop(); !ok || b[0] != want {
			t.Errorf("pop = %v %v, want %d", b, ok, want)
		}
	}
	if _, ok := q.pop(); ok {
		t.Error("pop from an empty queue")
	}
}

func TestBadURLs(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"localhost:1883", "unsupported scheme"},
		{"host", "no scheme"},
		{"http://h:1", "unsupported scheme"},
		{"tcp://", "no host"},
		{"tcp://h:1 2", "bad broker URL"},
	} {
		_, err := New(c.url, "t", nil, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "--mqtt: ") {
			t.Errorf("New(%q) err = %v, want %q", c.url, err, c.want)
		}
	}
	if _, err := New("tcp://h", "a/+/b", nil, Options{}); err == nil || !strings.Contains(err.Error(), "wildcard") {
		t.Errorf("wildcard topic err = %v", err)
	}
	if _, err := New("tcp://h", "t", nil, Options{QoS: 2}); err == nil || !strings.Contains(err.Error(), "--mqtt-qos 2") {
		t.Errorf("QoS 2 err = %v", err)
	}
	if _, err := New("tcp://h", "t", nil, Options{Discovery: true, DiscoveryPrefix: "ha/#"}); err == nil || !strings.Contains(err.Error(), "discovery prefix") {
		t.Errorf("wildcard prefix err = %v", err)
	}
}

func TestBrokerAddr(t *testing.T) {
	srv, host, u, p, err := brokerAddr("tcp://alice:s3cret@broker.local")
	if err != nil || srv != "tcp://broker.local:1883" || host != "broker.local:1883" || u != "alice" || p != "s3cret" {
		t.Errorf("got %q %q %q %q %v", srv, host, u, p, err)
	}
}

// In steady state (the same counts, no events, no per-frame topic)
// Publish allocates nothing. The broker is not needed: the sink retries a
// closed port meanwhile.
func TestPublishAllocs(t *testing.T) {
	s, err := New("tcp://127.0.0.1:"+strconv.Itoa(mosquittotest.FreePort(t)), base, []string{"person", "car"},
		Options{MinBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := frame(1, "person", "person")
	s.Publish(r)
	if n := testing.AllocsPerRun(100, func() { s.Publish(r) }); n != 0 {
		t.Errorf("%v allocations per frame, want 0", n)
	}
	s.Close()
	if err := s.Publish(r); err == nil {
		t.Error("Publish after Close succeeded")
	}
}

// Close with the broker away does not hang and says what was not
// delivered (no broker needed: nothing listens on the port).
func TestCloseWithBrokerAway(t *testing.T) {
	var l logLines
	s, err := New("tcp://127.0.0.1:"+strconv.Itoa(mosquittotest.FreePort(t)), base, []string{"person"}, testOptions(&l))
	if err != nil {
		t.Fatal(err)
	}
	for n := range uint64(2) {
		if err := s.Publish(withEvent(frame(n, "person"), int(n+1))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if l.count("mqtt: 2 events not delivered at shutdown") != 1 {
		t.Errorf("log:\n%s", &l)
	}
	if st := s.Stats(); st.EventsQueued != 2 || st.EventsSent != 0 {
		t.Errorf("stats %+v", st)
	}
}
