package mqttsink

import (
	"errors"
	"strconv"
	"strings"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"
)

// errAborted ends a send that Close's timeout cut short.
var errAborted = errors.New("mqtt: shut down before the broker answered")

// run owns the connection: it connects (retrying with capped back-off),
// announces the camera, sends what Publish recorded until the connection
// drops or Close asks, and logs each change of state once.
func (s *Sink) run() {
	defer close(s.done)
	backoff := s.opts.MinBackoff
	var away time.Time    // when the last connection was lost; zero before the first
	started := time.Now() // for a broker that was down at start
	lastFailure := ""     // the kind of connection failure last logged
	for {
		err := s.connect()
		if errors.Is(err, errAborted) {
			return
		}
		if err != nil {
			if kind, line := s.describeFailure(err, away.IsZero()); kind != lastFailure {
				s.logf("%s", line)
				lastFailure = kind
			}
			select {
			case <-time.After(backoff):
			case <-s.closing:
				return
			}
			backoff = min(2*backoff, s.opts.MaxBackoff)
			continue
		}
		backoff = s.opts.MinBackoff
		switch {
		case away.IsZero() && lastFailure == "":
			s.logf("mqtt: connected to %s", s.host)
		case away.IsZero():
			s.logf("mqtt: connected to %s after %.1f s", s.host, time.Since(started).Seconds())
		default:
			s.logf("mqtt: reconnected after %.1f s", time.Since(away).Seconds())
		}
		lastFailure = ""
		s.setConnected(true)
		if n := s.takeDropped(); n > 0 {
			s.logf("mqtt: %d events dropped while away (queue of %d full)", n, s.opts.QueueLen)
		}
		err = s.serve()
		s.setConnected(false)
		if err == nil {
			return // closed
		}
		select {
		case <-s.closing:
			s.logf("mqtt: connection lost while shutting down: %v", err)
			return
		default:
		}
		away = time.Now()
		s.logf("mqtt: connection lost: %v", err)
		lastFailure = "network" // the retries that follow are expected to fail so
	}
}

// connect makes one connection attempt.
func (s *Sink) connect() error {
	select {
	case <-s.lost: // a loss from the previous connection, already handled
	default:
	}
	tok := s.client.Connect()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-s.abort:
		s.client.Disconnect(0)
		return errAborted
	}
}

// describeFailure classifies a failed connection attempt and words its log
// line: a broker that refuses the login is worth a line even right after a
// line about the network.
func (s *Sink) describeFailure(err error, first bool) (kind, line string) {
	switch {
	case errors.Is(err, packets.ErrorRefusedNotAuthorised), errors.Is(err, packets.ErrorRefusedBadUsernameOrPassword):
		return "auth", "mqtt: " + s.host + " refused the login (" + err.Error() + "): check the user and password in --mqtt; retrying"
	case errors.Is(err, packets.ErrorRefusedIDRejected):
		return "id", "mqtt: " + s.host + " rejected client id " + strconv.Quote(s.opts.ClientID) + "; retrying"
	}
	why := strings.TrimPrefix(err.Error(), "network Error : ") // paho's wrapping adds nothing
	if first {
		return "network", "mqtt: cannot connect to " + s.host + ": " + why + "; retrying every " +
			s.opts.MaxBackoff.String() + " at most"
	}
	return "network", "mqtt: cannot connect to " + s.host + ": " + why + "; retrying"
}

// setConnected records the connection state for Publish. Going down it
// discards the frame waiting to be sent: frames are never replayed.
func (s *Sink) setConnected(up bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connected = up
	if !up && s.frameReady {
		s.framesDropped.Add(1)
		s.frameReady = false
	}
}

// takeDropped returns (and resets) the events dropped since the last
// report.
func (s *Sink) takeDropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.droppedUnreported
	s.droppedUnreported = 0
	return n
}

// serve announces the camera on a fresh connection and then sends events,
// count changes and frames as Publish records them. It returns the reason
// the connection was lost, or nil once Close asked and the queue is
// delivered (or Close's timeout passed).
func (s *Sink) serve() error {
	sent := make([]int, len(s.counts)) // counts as last published on this connection
	want := make([]int, len(s.counts))
	var countBuf []byte
	s.haOnline.Store(true) // announce once per connection, and again when Home Assistant restarts
	if err := s.watchHomeAssistant(); err != nil {
		return s.lossReason(err)
	}
	closing := s.closing
	draining := false
	for {
		busy := false
		if s.haOnline.Swap(false) {
			if err := s.announce(); err != nil {
				return s.lossReason(err)
			}
			for i := range sent {
				sent[i] = -1 // unknown: publish every label's value again
			}
		}
		// Events first, one at a time in order, each acknowledged (QoS 1)
		// before the next; a failed one goes back to the front.
		if b, ok := s.popEvent(); ok {
			busy = true
			if err := s.send(s.topics.events, s.opts.QoS, false, b); err != nil {
				s.requeue(b)
				return s.lossReason(err)
			}
			s.eventsSent.Add(1)
		}
		s.mu.Lock()
		copy(want, s.counts)
		s.mu.Unlock()
		for i, n := range want {
			if n == sent[i] {
				continue
			}
			busy = true
			countBuf = strconv.AppendInt(countBuf[:0], int64(n), 10)
			if err := s.send(s.topics.counts[i], s.opts.QoS, true, countBuf); err != nil {
				return s.lossReason(err)
			}
			sent[i] = n
		}
		if !draining {
			if frame, ok := s.takeFrame(); ok {
				busy = true
				err := s.send(s.topics.frames, 0, false, frame)
				s.releaseFrame(frame)
				if err != nil {
					return s.lossReason(err)
				}
				s.framesSent.Add(1)
			}
		}
		if busy {
			continue
		}
		if n := s.takeDropped(); n > 0 {
			s.logf("mqtt: %d events dropped: the broker took them slower than they came (queue of %d full)", n, s.opts.QueueLen)
		}
		if draining {
			s.goodbye(sent)
			return nil
		}
		select {
		case <-s.wake:
		case err := <-s.lost:
			return err
		case <-closing:
			closing, draining = nil, true
		}
	}
}

// announce publishes availability online and the discovery configs, all
// retained, on a fresh connection.
func (s *Sink) announce() error {
	if err := s.send(s.topics.availability, s.opts.QoS, true, []byte(online)); err != nil {
		return err
	}
	toks := make([]mqtt.Token, len(s.discovery))
	for i, m := range s.discovery {
		toks[i] = s.client.Publish(m.topic, s.opts.QoS, true, m.payload)
	}
	for _, tok := range toks {
		if err := s.wait(tok); err != nil {
			return err
		}
	}
	return nil
}

// watchHomeAssistant subscribes to Home Assistant's birth message
// (PREFIX/status "online", sent when it starts), so the camera is
// announced again should the retained configs have been cleared.
func (s *Sink) watchHomeAssistant() error {
	if !s.opts.Discovery {
		return nil
	}
	return s.wait(s.client.Subscribe(s.opts.DiscoveryPrefix+"/status", 0, func(_ mqtt.Client, m mqtt.Message) {
		if string(m.Payload()) == online {
			s.haOnline.Store(true)
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
	}))
}

// goodbye sets every count not already 0 to 0 (nothing is tracked once
// retina stops; a crash leaves them, but availability says offline),
// publishes availability offline (a clean shutdown sends no will) and
// disconnects.
func (s *Sink) goodbye(sent []int) {
	for i, n := range sent {
		if n != 0 && s.send(s.topics.counts[i], s.opts.QoS, true, []byte("0")) != nil {
			break
		}
	}
	s.send(s.topics.availability, s.opts.QoS, true, []byte(offline))
	s.client.Disconnect(250)
}

// hangUp ends a connection Close's timeout cut short: offline goes out at
// QoS 0 (nothing to wait for) ahead of the DISCONNECT, which stops the
// broker from sending the will, so availability does not stay online.
func (s *Sink) hangUp() {
	s.client.Publish(s.topics.availability, 0, true, offline).WaitTimeout(500 * time.Millisecond)
	s.client.Disconnect(100)
}

// send publishes one message and waits until it is delivered (QoS 1: the
// broker acknowledged it; QoS 0: it was written) or fails. A dropped
// connection fails the token, so the wait ends.
func (s *Sink) send(topic string, qos byte, retain bool, payload []byte) error {
	return s.wait(s.client.Publish(topic, qos, retain, payload))
}

func (s *Sink) wait(tok mqtt.Token) error {
	select {
	case <-tok.Done():
		return tok.Error()
	case <-s.abort:
		return errAborted
	}
}

// lossReason turns a failed send into the reason the connection was lost:
// paho reports the loss itself a moment later. A send that failed on a
// connection that is still up (or Close's timeout) ends the connection.
func (s *Sink) lossReason(sendErr error) error {
	if errors.Is(sendErr, errAborted) {
		s.hangUp()
		return nil
	}
	select {
	case err := <-s.lost:
		return err
	case <-s.abort:
		s.hangUp()
		return nil
	case <-time.After(s.opts.ConnectTimeout):
		s.client.Disconnect(0)
		return sendErr
	}
}

func (s *Sink) popEvent() ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.events.pop()
}

func (s *Sink) requeue(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.events.pushFront(b) {
		s.eventsDropped.Add(1)
		s.droppedUnreported++
	}
}

// takeFrame hands the waiting frame to run; Publish writes the next one
// into a buffer of its own until releaseFrame gives this one back.
func (s *Sink) takeFrame() ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.frameReady {
		return nil, false
	}
	f := s.frame
	s.frame, s.spare = s.spare, nil
	s.frameReady = false
	return f, true
}

func (s *Sink) releaseFrame(f []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spare == nil {
		s.spare = f[:0]
	}
}
