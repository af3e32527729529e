package mqttsink

import (
	"fmt"
	"net/url"
	"time"
)

// Options tune the sink. Zero values pick the defaults noted per field.
type Options struct {
	// ClientID names the connection to the broker (brokers drop the older
	// of two clients with one id); default "retina-" plus the base topic.
	ClientID string
	// QoS of events and of the retained state topics (availability, counts,
	// discovery): 0 or 1 (retina stream's --mqtt-qos defaults to 1). The
	// per-frame topic is always QoS 0.
	QoS byte
	// QueueLen bounds the events held while the broker is away or slow;
	// past it the oldest is dropped and counted. Default 256.
	QueueLen int
	// Frames publishes every frame's JSON line to BASE/frames at QoS 0 while
	// connected; frames are never queued, so none is replayed after an
	// outage.
	Frames bool
	// Discovery publishes Home Assistant MQTT discovery configs under
	// DiscoveryPrefix (default "homeassistant").
	Discovery       bool
	DiscoveryPrefix string
	// SWVersion is the device's sw_version in the discovery configs.
	SWVersion string
	// Logf receives one line per connection state change; default: none.
	Logf func(format string, args ...any)

	ConnectTimeout time.Duration // one connection attempt; default 5 s
	MinBackoff     time.Duration // first retry after a failure; default 0.5 s
	MaxBackoff     time.Duration // retries double up to this; default 10 s
	CloseTimeout   time.Duration // how long Close waits to deliver queued events; default 2 s
}

// DefaultDiscoveryPrefix is Home Assistant's default discovery prefix.
const DefaultDiscoveryPrefix = "homeassistant"

func (o Options) withDefaults() Options {
	if o.QueueLen <= 0 {
		o.QueueLen = 256
	}
	if o.DiscoveryPrefix == "" {
		o.DiscoveryPrefix = DefaultDiscoveryPrefix
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.CloseTimeout <= 0 {
		o.CloseTimeout = 2 * time.Second
	}
	return o
}

// brokerAddr validates a broker URL (tcp://, mqtt://, ssl://, tls://,
// mqtts://, ws://, wss://) and splits off the user and password, which paho
// takes separately. host is host:port, for log lines.
func brokerAddr(raw string) (server, host, user, pass string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", "", "", fmt.Errorf("--mqtt: bad broker URL %q: %v", raw, err)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts", "ws", "wss":
	case "":
		return "", "", "", "", fmt.Errorf("--mqtt: broker URL %q has no scheme (want tcp://host:1883)", raw)
	default:
		return "", "", "", "", fmt.Errorf("--mqtt: broker URL %q: unsupported scheme %q (want tcp, mqtt, ssl, tls, mqtts, ws or wss)", raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return "", "", "", "", fmt.Errorf("--mqtt: broker URL %q has no host", raw)
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
	return clean.String(), clean.Host, user, pass, nil
}
