// Package mqttsink publishes a camera's tracked objects to an MQTT broker
// the way Home Assistant and Frigate users wire it: under a base topic,
// BASE/events (each event as JSON, queued through broker outages),
// BASE/LABEL (the count of tracked objects of that label, retained),
// BASE/availability (online, with offline as the last will) and, on
// request, Home Assistant discovery configs and a per-frame topic.
//
// Publishing never blocks the pipeline: Publish records what changed and a
// background goroutine owns the connection, reconnecting with capped
// back-off and logging each state change once.
package mqttsink

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/retina-edge/retina/stream"
)

// Sink is a stream.Sink that publishes to MQTT (see the package doc).
type Sink struct {
	client mqtt.Client
	host   string // host:port, for log lines
	topics topics
	opts   Options
	logf   func(format string, args ...any)

	labelIndex map[string]int // label -> index in topics.counts
	discovery  []message

	// Publish's own state (Publish is called by one goroutine at a time;
	// pubMu makes that so).
	pubMu   sync.Mutex
	scratch []int
	lines   *stream.JSONLines
	line    lineBuffer

	mu                sync.Mutex
	closed            bool
	connected         bool
	events            ring   // encoded events, oldest first
	counts            []int  // tracked objects per label in the newest frame
	frame             []byte // the newest frame's line, waiting to be sent
	spare             []byte // the buffer run gives back after sending a frame
	frameReady        bool
	droppedUnreported uint64 // events dropped and not yet logged

	wake    chan struct{} // Publish -> run: something to send
	lost    chan error    // paho -> run: the connection dropped
	closing chan struct{} // closed by Close: deliver what is queued, then say goodbye
	abort   chan struct{} // closed when Close's timeout passes
	done    chan struct{} // closed when run returns

	haOnline atomic.Bool // announce again: a new connection, or Home Assistant (re)started

	eventsSent, eventsDropped, framesSent, framesDropped atomic.Uint64
}

var _ stream.Sink = (*Sink)(nil)

// Check validates a broker URL, a base topic and the options without
// connecting, so that a command line can be refused before anything
// starts.
func Check(brokerURL, baseTopic string, opts Options) error {
	if opts.QoS > 1 {
		return fmt.Errorf("--mqtt-qos %d: not supported (use 0 or 1)", opts.QoS)
	}
	if err := checkTopic(baseTopic); err != nil {
		return err
	}
	if opts.Discovery && opts.DiscoveryPrefix != "" {
		if err := checkTopic(opts.DiscoveryPrefix); err != nil {
			return fmt.Errorf("discovery prefix: %w", err)
		}
	}
	_, _, _, _, err := brokerAddr(brokerURL)
	return err
}

// New starts publishing under baseTopic to the broker at brokerURL (e.g.
// tcp://user:pass@host:1883). labels are the class names whose counts are
// published (and announced to Home Assistant); detections of other labels
// are not counted. New does not wait for the broker: a broker that is down
// is retried in the background until Close, and only a malformed URL,
// topic or label list is an error.
func New(brokerURL, baseTopic string, labels []string, opts Options) (*Sink, error) {
	opts = opts.withDefaults()
	if err := Check(brokerURL, baseTopic, opts); err != nil {
		return nil, err
	}
	t, err := newTopics(baseTopic, labels)
	if err != nil {
		return nil, err
	}
	server, host, user, pass, _ := brokerAddr(brokerURL)
	if opts.ClientID == "" {
		opts.ClientID = nodeID(baseTopic)
	}
	s := &Sink{
		host:       host,
		topics:     t,
		opts:       opts,
		logf:       opts.Logf,
		labelIndex: make(map[string]int, len(labels)),
		scratch:    make([]int, len(labels)),
		events:     newRing(opts.QueueLen),
		counts:     make([]int, len(labels)),
		wake:       make(chan struct{}, 1),
		lost:       make(chan error, 1),
		closing:    make(chan struct{}),
		abort:      make(chan struct{}),
		done:       make(chan struct{}),
	}
	for i, l := range labels {
		s.labelIndex[l] = i
	}
	if opts.Discovery {
		s.discovery = discoveryMessages(opts.DiscoveryPrefix, t, labels, opts.QoS, opts.SWVersion)
	}
	if opts.Frames {
		s.lines = stream.NewJSONLines(&s.line)
	}
	// The sink reconnects itself (paho's auto-reconnect would queue
	// per-frame messages and replay them); the will is in every CONNECT.
	co := mqtt.NewClientOptions().
		AddBroker(server).
		SetClientID(opts.ClientID).
		SetUsername(user).
		SetPassword(pass).
		SetConnectTimeout(opts.ConnectTimeout).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetCleanSession(true).
		SetOrderMatters(false).
		SetBinaryWill(t.availability, []byte(offline), 1, true).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case s.lost <- err:
			default:
			}
		})
	s.client = mqtt.NewClient(co)
	go s.run()
	return s, nil
}

// Publish records r's tracked-object counts (r.Counts: the events engine's,
// steady through a missed frame), queues its events and, with
// Options.Frames and a live connection, its JSON line; it never waits for
// the network and allocates nothing when nothing changed.
func (s *Sink) Publish(r *stream.Result) error {
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	clear(s.scratch)
	for _, c := range r.Counts {
		if j, ok := s.labelIndex[c.Label]; ok {
			s.scratch[j] = c.N
		}
	}
	var encoded [][]byte
	for i := range r.Events {
		b, err := json.Marshal(&r.Events[i])
		if err != nil {
			return fmt.Errorf("mqtt: encoding event %s: %v", r.Events[i].ID, err)
		}
		encoded = append(encoded, b)
	}
	var line []byte
	if s.lines != nil && s.isConnected() {
		s.line.b = s.line.b[:0]
		if err := s.lines.Publish(r); err != nil {
			return fmt.Errorf("mqtt: encoding frame %d: %v", r.Frame, err)
		}
		line = s.line.b[:len(s.line.b)-1] // without the newline
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("mqtt: publish after Close")
	}
	changed := false
	if !slices.Equal(s.counts, s.scratch) {
		copy(s.counts, s.scratch)
		changed = true
	}
	for _, b := range encoded {
		if s.events.push(b) {
			s.eventsDropped.Add(1)
			s.droppedUnreported++
		}
		changed = true
	}
	if s.lines != nil {
		if line != nil && s.connected {
			if s.frameReady {
				s.framesDropped.Add(1) // the previous one was not sent yet: newest wins
			}
			s.frame = append(s.frame[:0], line...)
			s.frameReady = true
			changed = true
		} else {
			s.framesDropped.Add(1)
		}
	}
	s.mu.Unlock()
	if changed {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

func (s *Sink) isConnected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Stats are the sink's counters since New.
type Stats struct {
	EventsSent, EventsDropped uint64 // dropped: the queue overflowed
	FramesSent, FramesDropped uint64 // dropped: not connected, or a newer frame came first
	EventsQueued              int
}

// Stats returns the sink's counters.
func (s *Sink) Stats() Stats {
	s.mu.Lock()
	queued := s.events.len()
	s.mu.Unlock()
	return Stats{
		EventsSent: s.eventsSent.Load(), EventsDropped: s.eventsDropped.Load(),
		FramesSent: s.framesSent.Load(), FramesDropped: s.framesDropped.Load(),
		EventsQueued: queued,
	}
}

// Close stops accepting results, waits up to Options.CloseTimeout for the
// queued events to be delivered, publishes availability offline and
// disconnects. Events it could not deliver are logged, not returned: a
// broker that is away at shutdown is not the stream's failure.
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.closing)
	select {
	case <-s.done:
	case <-time.After(s.opts.CloseTimeout):
		close(s.abort)
		<-s.done
	}
	if s.client.IsConnectionOpen() {
		// A connection attempt Close's timeout gave up on came through
		// after all.
		s.hangUp()
	}
	s.mu.Lock()
	left := s.events.len()
	s.mu.Unlock()
	if left > 0 {
		s.logf("mqtt: %d events not delivered at shutdown (broker away or slow)", left)
	}
	return nil
}

// lineBuffer collects what stream.JSONLines writes for one frame.
type lineBuffer struct{ b []byte }

func (l *lineBuffer) Write(p []byte) (int, error) {
	l.b = append(l.b, p...)
	return len(p), nil
}
