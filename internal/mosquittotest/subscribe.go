package mosquittotest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Message is one message a test subscriber received.
type Message struct {
	Topic, Payload string
	Retained       bool // delivered because it was retained (the subscriber came later)
}

var clients atomic.Int32 // numbers the test clients' ids

// Subscribe connects a real MQTT client (paho) to url and collects every
// message matching filter, retained ones first as the broker sends them;
// the test's cleanup disconnects it.
func Subscribe(t testing.TB, url, filter string) <-chan Message {
	t.Helper()
	id := fmt.Sprintf("mosquittotest-sub-%d", clients.Add(1))
	return subscribe(t, mqtt.NewClientOptions().AddBroker(url).SetClientID(id), filter)
}

// SubscribeSession is Subscribe with a persistent session that reconnects
// by itself: on a StartPersistent broker it keeps receiving across a
// broker restart, missing nothing published while it was away.
func SubscribeSession(t testing.TB, url, filter string) <-chan Message {
	t.Helper()
	id := fmt.Sprintf("mosquittotest-session-%d", clients.Add(1))
	return subscribe(t, mqtt.NewClientOptions().AddBroker(url).SetClientID(id).SetCleanSession(false).
		SetAutoReconnect(true).SetMaxReconnectInterval(200*time.Millisecond), filter)
}

func subscribe(t testing.TB, opts *mqtt.ClientOptions, filter string) <-chan Message {
	t.Helper()
	out := make(chan Message, 1000)
	c := mqtt.NewClient(opts)
	url := opts.Servers[0].String()
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscriber connecting to %s: %v", url, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(0) })
	tok := c.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) {
		out <- Message{m.Topic(), string(m.Payload()), m.Retained()}
	})
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribing to %s: %v", filter, tok.Error())
	}
	return out
}

// Publish sends one message (QoS 1) from a short-lived client, as another
// program on the broker would (an empty retained payload clears a topic).
func Publish(t testing.TB, url, topic, payload string, retain bool) {
	t.Helper()
	id := fmt.Sprintf("mosquittotest-pub-%d", clients.Add(1))
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(id))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publisher connecting to %s: %v", url, tok.Error())
	}
	defer c.Disconnect(100)
	if tok := c.Publish(topic, 1, retain, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publishing to %s: %v", topic, tok.Error())
	}
}
