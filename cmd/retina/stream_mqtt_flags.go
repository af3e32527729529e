package main

import (
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/detect"

	"github.com/retina-edge/retina/stream"
	"github.com/retina-edge/retina/stream/mqttsink"
)

// mqttFlags are retina stream's MQTT flags.
type mqttFlags struct {
	url, topic, clientID *string
	qos, queue           *int
	frames               *bool
	discovery            *bool
	discoveryPrefix      *string
}

func addMQTTFlags(fs *flag.FlagSet) *mqttFlags {
	return &mqttFlags{
		url: fs.String("mqtt", "", "publish to the MQTT broker at `URL` (tcp://[user:pass@]host:1883, ssl://host:8883): "+
			"TOPIC/events (each tracked-object event, JSON, queued while the broker is away), "+
			"TOPIC/LABEL (tracked objects of that label now, retained, sent when it changes), "+
			"TOPIC/availability (online, retained; offline as the last will and at exit); a broker that is down is retried, never fatal"),
		topic:    fs.String("topic", "", "MQTT base `TOPIC`, e.g. retina/front_door (with --mqtt)"),
		clientID: fs.String("mqtt-client-id", "", "MQTT client `ID` (default retina-HOSTNAME-PID; unique per broker)"),
		qos:      fs.Int("mqtt-qos", 1, "QoS (`0|1`) of the MQTT events, counts, availability and discovery messages (frames are always 0)"),
		queue:    fs.Int("mqtt-queue", 256, "hold up to `N` MQTT events while the broker is away or slow; past that the oldest are dropped and counted"),
		frames: fs.Bool("mqtt-frames", false, "also publish every frame's --json line to TOPIC/frames at QoS 0, only while connected "+
			"(never queued: frames from while the broker was away are dropped, not replayed)"),
		discovery:       fs.Bool("ha-discovery", false, "publish Home Assistant MQTT discovery configs (retained): per label a binary_sensor \"LABEL detected\" and a sensor \"LABEL count\""),
		discoveryPrefix: fs.String("ha-discovery-prefix", mqttsink.DefaultDiscoveryPrefix, "Home Assistant discovery `PREFIX`"),
	}
}

func (m *mqttFlags) options() mqttsink.Options {
	return mqttsink.Options{
		ClientID: *m.clientID, QoS: byte(*m.qos), QueueLen: *m.queue, Frames: *m.frames,
		Discovery: *m.discovery, DiscoveryPrefix: *m.discoveryPrefix, SWVersion: version,
	}
}

// check refuses bad MQTT flags before anything starts.
func (m *mqttFlags) check() error {
	if (*m.url == "") != (*m.topic == "") {
		return usagef("--mqtt and --topic go together")
	}
	if *m.qos != 0 && *m.qos != 1 {
		return usagef("--mqtt-qos %d: want 0 or 1", *m.qos)
	}
	if *m.queue < 1 || *m.queue > 65536 {
		return usagef("--mqtt-queue %d: want 1..65536", *m.queue)
	}
	if *m.url == "" {
		if *m.frames || *m.discovery {
			return usagef("--mqtt-frames and --ha-discovery need --mqtt and --topic")
		}
		return nil
	}
	if err := mqttsink.Check(*m.url, *m.topic, m.options()); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// sink connects the MQTT sink publishing counts (and discovery) for
// labels; nil when --mqtt is not given. logf gets its state changes.
func (m *mqttFlags) sink(labels []string, logf func(format string, args ...any)) (stream.Sink, error) {
	if *m.url == "" {
		return nil, nil
	}
	opts := m.options()
	if opts.ClientID == "" {
		opts.ClientID = defaultClientID()
	}
	opts.Logf = logf
	k, err := mqttsink.New(*m.url, *m.topic, labels, opts)
	if err != nil {
		return nil, err
	}
	return k, nil
}

// mqttLabels are the labels whose counts the MQTT sink publishes (and
// announces to Home Assistant): the model's class names ("class N" when
// unnamed), or those of them --labels keeps.
func mqttLabels(cfg net.Config, opts detect.Options, ef *eventFlags) ([]string, error) {
	st, err := detect.NewStages(cfg, opts)
	if err != nil {
		return nil, err
	}
	ec, err := ef.config()
	if err != nil || len(ec.Labels) == 0 {
		return st.Labels, err
	}
	var kept []string
	for _, l := range st.Labels {
		if slices.Contains(ec.Labels, l) {
			kept = append(kept, l)
		}
	}
	return kept, nil
}

// defaultClientID names this process to the broker: brokers disconnect the
// older of two clients with one ID, so the pid keeps two streams on one
// host apart.
func defaultClientID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return fmt.Sprintf("retina-%s-%d", host, os.Getpid())
}
