// Package mqttsink publishes each processed frame's detections to an MQTT
// broker, for fleets of cameras reporting to one place. Publishing never
// blocks the pipeline: results go into a bounded queue that a background
// goroutine drains; when the broker is slow or down the oldest queued
// message is dropped and counted.
package mqttsink

import (
	"fmt"
	"net/url"
	"time"
)

// Options tune the sink. Zero values pick the defaults noted per field.
type Options struct {
	QoS            byte          // 0 or 1 (2 is refused: a camera feed does not need exactly-once)
	Retain         bool          // broker keeps the last message for new subscribers
	ConnectTimeout time.Duration // first connection attempt; default 5s
	QueueLen       int           // messages held while the broker is slow or down; default 64
	CloseTimeout   time.Duration // how long Close waits to flush the queue; default 2s
}

func (o Options) withDefaults() Options {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.QueueLen <= 0 {
		o.QueueLen = 64
	}
	if o.CloseTimeout <= 0 {
		o.CloseTimeout = 2 * time.Second
	}
	return o
}

// brokerAddr validates a broker URL (tcp://, mqtt://, ssl://, tls://, ws://,
// wss://) and splits off the user and password, which paho takes separately.
func brokerAddr(raw string) (server, user, pass string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", "", fmt.Errorf("--mqtt: bad broker URL %q: %v", raw, err)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts", "ws", "wss":
	case "":
		return "", "", "", fmt.Errorf("--mqtt: broker URL %q has no scheme (want tcp://host:1883)", raw)
	default:
		return "", "", "", fmt.Errorf("--mqtt: broker URL %q: unsupported scheme %q (want tcp, mqtt, ssl, tls, ws or wss)", raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return "", "", "", fmt.Errorf("--mqtt: broker URL %q has no host", raw)
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	clean := *u
	clean.User = nil
	if clean.Port() == "" {
		switch u.Scheme {
		case "tcp", "mqtt":
			clean.Host = u.Host + ":1883"
		case "ssl", "tls", "mqtts":
			clean.Host = u.Host + ":8883"
		}
	}
	return clean.String(), user, pass, nil
}
