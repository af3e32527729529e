package mqttsink

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/retina-edge/retina/stream"
)

// Sink is a stream.Sink that publishes to one MQTT topic.
type Sink struct {
	client mqtt.Client
	topic  string
	opts   Options

	mu      sync.Mutex
	queue   [][]byte // ring of encoded messages, oldest first
	wake    chan struct{}
	closing chan struct{}
	done    chan struct{}
	closed  bool

	dropped   atomic.Uint64
	published atomic.Uint64
	failed    atomic.Uint64
	inflight  atomic.Int32 // popped but not yet acknowledged
}

var _ stream.Sink = (*Sink)(nil)

// Check validates a broker URL, a topic and the options without
// connecting, so that a command line can be refused before anything starts.
func Check(brokerURL, topic string, opts Options) error {
	if opts.QoS > 1 {
		return fmt.Errorf("--mqtt: QoS %d not supported (use 0 or 1)", opts.QoS)
	}
	if topic == "" {
		return errors.New("--mqtt: empty --topic")
	}
	for _, c := range topic {
		if c == '+' || c == '#' {
			return fmt.Errorf("--mqtt: topic %q contains wildcard %q, not allowed when publishing", topic, c)
		}
	}
	_, _, _, err := brokerAddr(brokerURL)
	return err
}

// New connects to brokerURL (e.g. tcp://user:pass@host:1883) and publishes
// each Result to topic. The first connection must succeed within
// opts.ConnectTimeout, so a wrong address fails at start-up; after that the
// client reconnects on its own and messages queue (bounded) meanwhile.
func New(brokerURL, topic, clientID string, opts Options) (*Sink, error) {
	opts = opts.withDefaults()
	if err := Check(brokerURL, topic, opts); err != nil {
		return nil, err
	}
	server, user, pass, _ := brokerAddr(brokerURL)
	co := mqtt.NewClientOptions().
		AddBroker(server).
		SetClientID(clientID).
		SetUsername(user).
		SetPassword(pass).
		SetConnectTimeout(opts.ConnectTimeout).
		SetAutoReconnect(true).
		SetMaxReconnectInterval(5 * time.Second).
		SetConnectRetry(false).
		SetCleanSession(true).
		SetOrderMatters(false)
	client := mqtt.NewClient(co)
	tok := client.Connect()
	if !tok.WaitTimeout(opts.ConnectTimeout) {
		client.Disconnect(0)
		return nil, fmt.Errorf("--mqtt: connecting to %s: timed out after %v", server, opts.ConnectTimeout)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("--mqtt: connecting to %s: %v", server, err)
	}
	s := &Sink{
		client:  client,
		topic:   topic,
		opts:    opts,
		queue:   make([][]byte, 0, opts.QueueLen),
		wake:    make(chan struct{}, 1),
		closing: make(chan struct{}),
		done:    make(chan struct{}),
	}
	go s.run()
	return s, nil
}

// Publish encodes r as its JSON line (stream.MarshalLine: what
// `retina stream --json` prints) and queues it; it never waits for the
// network. When the queue is full the oldest message is dropped and counted.
func (s *Sink) Publish(r *stream.Result) error {
	b, err := stream.MarshalLine(r)
	if err != nil {
		return fmt.Errorf("mqtt: encoding frame %d: %v", r.Frame, err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("mqtt: publish after Close")
	}
	if len(s.queue) == s.opts.QueueLen {
		copy(s.queue, s.queue[1:])
		s.queue = s.queue[:len(s.queue)-1]
		s.dropped.Add(1)
	}
	s.queue = append(s.queue, b)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// run sends queued messages one at a time. While the client is not
// connected it waits (Publish keeps dropping the oldest), so a dead broker
// never holds a goroutine per message.
func (s *Sink) run() {
	defer close(s.done)
	for {
		if s.pending() == 0 {
			select {
			case <-s.wake:
				continue
			case <-s.closing:
				return
			}
		}
		// Take a message only once connected, so everything unsent stays
		// in the queue where the drop-oldest bound applies.
		for !s.client.IsConnectionOpen() {
			select {
			case <-s.closing:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		s.inflight.Add(1)
		b, ok := s.pop()
		if !ok {
			s.inflight.Add(-1)
			continue
		}
		tok := s.client.Publish(s.topic, s.opts.QoS, s.opts.Retain, b)
		select {
		case <-tok.Done():
			if tok.Error() != nil {
				s.failed.Add(1)
			} else {
				s.published.Add(1)
			}
			s.inflight.Add(-1)
		case <-s.closing:
			s.failed.Add(1) // in flight when Close gave up
			return
		}
	}
}

func (s *Sink) pop() ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return nil, false
	}
	b := s.queue[0]
	copy(s.queue, s.queue[1:])
	s.queue = s.queue[:len(s.queue)-1]
	return b, true
}

func (s *Sink) pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Stats returns messages sent, dropped from a full queue, and failed or
// abandoned (in flight or queued when Close gave up).
func (s *Sink) Stats() (published, dropped, failed uint64) {
	return s.published.Load(), s.dropped.Load(), s.failed.Load()
}

// Close stops accepting results, waits up to opts.CloseTimeout for the queue
// to drain, then disconnects. Messages still queued are counted as failed
// and reported.
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	deadline := time.Now().Add(s.opts.CloseTimeout)
	for (s.pending() > 0 || s.inflight.Load() > 0) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(s.closing)
	<-s.done
	left := s.pending()
	s.failed.Add(uint64(left))
	s.client.Disconnect(100)
	if left > 0 {
		return fmt.Errorf("mqtt: closed with %d unsent messages (broker slow or down)", left)
	}
	return nil
}
