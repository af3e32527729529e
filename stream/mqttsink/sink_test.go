package mqttsink

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/mosquittotest"
)

const base = "retina/front_door"

// On connect the sink announces the camera with retained messages: a new
// subscriber (Home Assistant starting later) finds availability online,
// the discovery configs and every label's count; after Close it finds
// availability offline.
func TestAnnounceRetained(t *testing.T) {
	b := mosquittotest.Start(t, 0)
	live := mosquittotest.Subscribe(t, b.URL(), base+"/#")
	var l logLines
	opts := testOptions(&l)
	opts.Discovery = true
	s, err := New(b.URL(), base, []string{"person", "car"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	next(t, live, base+"/person")
	next(t, live, base+"/car") // the last thing the announcement sends

	retained := map[string]mosquittotest.Message{}
	later := mosquittotest.Subscribe(t, b.URL(), "#")
	for len(retained) < 7 {
		select {
		case m := <-later:
			retained[m.Topic] = m
		case <-time.After(10 * time.Second):
			t.Fatalf("retained messages: %d of 7: %v", len(retained), retained)
		}
	}
	want := map[string]string{
		base + "/availability": "online", base + "/person": "0", base + "/car": "0",
		"homeassistant/binary_sensor/retina_front_door/person_detected/config": "",
		"homeassistant/sensor/retina_front_door/person_count/config":           "",
		"homeassistant/binary_sensor/retina_front_door/car_detected/config":    "",
		"homeassistant/sensor/retina_front_door/car_count/config":              "",
	}
	for topic, payload := range want {
		m, ok := retained[topic]
		if !ok {
			t.Errorf("nothing retained on %s (have %v)", topic, retained)
			continue
		}
		if !m.Retained {
			t.Errorf("%s: retained flag not set", topic)
		}
		if payload != "" && m.Payload != payload {
			t.Errorf("%s = %q, want %q", topic, m.Payload, payload)
		}
		if payload == "" && !json.Valid([]byte(m.Payload)) {
			t.Errorf("%s: not JSON: %s", topic, m.Payload)
		}
	}
	// Home Assistant restarting (its birth message) makes the sink announce
	// again: a config cleared meanwhile comes back.
	const personConfig = "homeassistant/binary_sensor/retina_front_door/person_detected/config"
	configs := mosquittotest.Subscribe(t, b.URL(), personConfig)
	next(t, configs, personConfig) // the retained one
	mosquittotest.Publish(t, b.URL(), personConfig, "", true)
	if m, _ := next(t, configs, personConfig); m.Payload != "" {
		t.Fatalf("config not cleared: %s", m.Payload)
	}
	mosquittotest.Publish(t, b.URL(), "homeassistant/status", "online", false)
	if m, _ := next(t, configs, personConfig); !json.Valid([]byte(m.Payload)) || m.Payload == "" {
		t.Errorf("after Home Assistant's birth message the config is %q", m.Payload)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	m, _ := next(t, mosquittotest.Subscribe(t, b.URL(), base+"/availability"), base+"/availability")
	if m.Payload != "offline" || !m.Retained {
		t.Errorf("after Close availability = %q (retained %v), want offline retained", m.Payload, m.Retained)
	}
	if l.count("mqtt: connected to 127.0.0.1:"+strconv.Itoa(b.Port)) != 1 {
		t.Errorf("log:\n%s", &l)
	}
}

// Counts are published when they change and only then (tracked objects
// only), and set to 0 by Close; events go out as JSON with their track
// ids.
func TestCountsAndEvents(t *testing.T) {
	b := mosquittotest.Start(t, 0)
	live := mosquittotest.Subscribe(t, b.URL(), base+"/#")
	var l logLines
	s, err := New(b.URL(), base, []string{"person", "car"}, testOptions(&l))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if m, _ := next(t, live, base+"/person"); m.Payload != "0" {
		t.Fatalf("first person count %q, want 0", m.Payload)
	}
	next(t, live, base+"/car")
	for _, r := range []struct {
		frame   uint64
		persons int
	}{{1, 2}, {2, 2}, {3, 2}, {4, 1}} {
		labels := make([]string, r.persons)
		for i := range labels {
			labels[i] = "person"
		}
		res := frame(r.frame, labels...)
		if r.frame == 1 {
			withEvent(res, 7)
		}
		if err := s.Publish(res); err != nil {
			t.Fatal(err)
		}
	}
	ev, _ := next(t, live, base+"/events")
	var e map[string]any
	if err := json.Unmarshal([]byte(ev.Payload), &e); err != nil {
		t.Fatalf("event not JSON: %v: %s", err, ev.Payload)
	}
	if e["track"] != 7.0 || e["type"] != "new" || e["label"] != "person" || e["id"] != "1764928800000-7" {
		t.Errorf("event = %s", ev.Payload)
	}
	if ev.Retained {
		t.Error("an event was retained")
	}
	var got []string
	for {
		m, skipped := next(t, live, base+"/person")
		for _, o := range skipped {
			if o.Topic == base+"/car" {
				t.Errorf("car count published again (%q) though no car was tracked", o.Payload)
			}
		}
		got = append(got, m.Payload)
		if m.Payload == "1" {
			break
		}
	}
	// Frames 1..3 all have two persons: one message, not three. (The
	// sender may coalesce frames 1..4 into "1" alone; never more.)
	if strings.Join(got, ",") != "2,1" && strings.Join(got, ",") != "1" {
		t.Errorf("person counts %v, want [2 1]", got)
	}
	if m, _ := next(t, mosquittotest.Subscribe(t, b.URL(), base+"/person"), base+"/person"); m.Payload != "1" || !m.Retained {
		t.Errorf("a later subscriber gets person count %q (retained %v), want 1 retained", m.Payload, m.Retained)
	}
	// Once retina stops nothing is tracked: a clean Close leaves 0.
	s.Close()
	if m, _ := next(t, mosquittotest.Subscribe(t, b.URL(), base+"/person"), base+"/person"); m.Payload != "0" || !m.Retained {
		t.Errorf("after Close the person count is %q (retained %v), want 0 retained", m.Payload, m.Retained)
	}
}

// The broker goes away mid-stream and comes back on the same port: the
// sink keeps accepting frames, logs both changes once, delivers the events
// queued meanwhile (dropping the oldest past the queue's bound, and saying
// so), and never sends a frame from while it was away. The subscriber's
// session survives the restart, so it sees everything sent after it.
func TestBrokerOutage(t *testing.T) {
	dir := t.TempDir()
	b := mosquittotest.StartPersistent(t, 0, dir)
	live := mosquittotest.SubscribeSession(t, b.URL(), base+"/#")
	var l logLines
	opts := testOptions(&l)
	opts.QueueLen = 3
	opts.Frames = true
	s, err := New(b.URL(), base, []string{"person"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	next(t, live, base+"/person") // announced
	b.Shutdown()
	l.wait(t, "mqtt: connection lost")
	for n := uint64(10); n < 15; n++ { // events for tracks 10..14; the queue keeps 12..14
		done := make(chan error, 1)
		go func() { done <- s.Publish(withEvent(frame(n, "person"), int(n))) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Publish blocked while the broker was away")
		}
	}
	mosquittotest.StartPersistent(t, b.Port, dir)
	l.wait(t, "mqtt: reconnected after")
	l.wait(t, "mqtt: 2 events dropped while away (queue of 3 full)")
	want := 12
	for {
		var m mosquittotest.Message
		select {
		case m = <-live:
		case <-time.After(20 * time.Second):
			t.Fatalf("after the broker came back: events up to track %d, then nothing for 20 s", want-1)
		}
		switch m.Topic {
		case base + "/events":
			var e struct{ Track int }
			if err := json.Unmarshal([]byte(m.Payload), &e); err != nil || e.Track != want {
				t.Fatalf("event %s (%v), want track %d", m.Payload, err, want)
			}
			if want++; want == 15 {
				if err := s.Publish(frame(20)); err != nil {
					t.Fatal(err)
				}
			}
		case base + "/frames":
			if !strings.HasPrefix(m.Payload, `{"frame":20,`) || want != 15 {
				t.Fatalf("a frame from while the broker was away was delivered: %.60s", m.Payload)
			}
			if n := l.count("mqtt: connection lost"); n != 1 {
				t.Errorf("%d connection-lost lines, want 1:\n%s", n, &l)
			}
			if st := s.Stats(); st.EventsDropped != 2 || st.EventsSent != 3 || st.FramesDropped < 5 {
				t.Errorf("stats %+v, want 2 events dropped, 3 sent, at least 5 frames dropped", st)
			}
			t.Logf("log:\n%s", &l)
			return
		}
	}
}

// A broker that is down when the sink starts is retried, not fatal; the
// event published meanwhile is delivered once it is up. The subscriber's
// session is made on the broker first and kept across its restart, so it
// sees the event however quickly the sink connects (a subscriber that
// connected only after the broker came up could miss it).
func TestBrokerDownAtStart(t *testing.T) {
	port := mosquittotest.FreePort(t)
	dir := t.TempDir()
	b := mosquittotest.StartPersistent(t, port, dir)
	live := mosquittotest.SubscribeSession(t, b.URL(), base+"/#")
	b.Shutdown()
	var l logLines
	s, err := New("tcp://127.0.0.1:"+strconv.Itoa(port), base, []string{"person"}, testOptions(&l))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l.wait(t, "mqtt: cannot connect to 127.0.0.1:"+strconv.Itoa(port))
	if err := s.Publish(withEvent(frame(1, "person"), 3)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // a few failed retries: they must not be logged again
	mosquittotest.StartPersistent(t, port, dir)
	l.wait(t, "mqtt: connected to 127.0.0.1:"+strconv.Itoa(port)+" after")
	if m, _ := next(t, live, base+"/events"); !strings.Contains(m.Payload, `"track":3`) {
		t.Errorf("event %s", m.Payload)
	}
	if n := l.count("cannot connect"); n != 1 {
		t.Errorf("%d cannot-connect lines, want 1:\n%s", n, &l)
	}
}

// A wrong password is logged once, clearly, and retried (the password may
// be fixed on the broker); the right one connects.
func TestLoginRefused(t *testing.T) {
	b := mosquittotest.StartWithUser(t, "cam", "s3cret")
	var l logLines
	s, err := New("tcp://cam:wrong@127.0.0.1:"+strconv.Itoa(b.Port), base, nil, testOptions(&l))
	if err != nil {
		t.Fatal(err)
	}
	l.wait(t, "refused the login")
	time.Sleep(300 * time.Millisecond)
	s.Close()
	if n := l.count("refused the login"); n != 1 || !strings.Contains(l.String(), "check the user and password in --mqtt") {
		t.Errorf("log:\n%s", &l)
	}
	var l2 logLines
	s2, err := New("tcp://cam:s3cret@127.0.0.1:"+strconv.Itoa(b.Port), base, nil, testOptions(&l2))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	l2.wait(t, "mqtt: connected to")
	t.Logf("log:\n%s", &l)
}
