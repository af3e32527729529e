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

var subscribers atomic.Int32

// Subscribe connects a real MQTT client (paho) to url and collects every
// message matching filter, retained ones first as the broker sends them;
// the test's cleanup disconnects it.
func Subscribe(t testing.TB, url, filter string) <-chan Message {
	t.Helper()
	out := make(chan Message, 1000)
	id := fmt.Sprintf("mosquittotest-sub-%d", subscribers.Add(1))
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(id))
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
