package mqttsink

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// message is one topic and payload, built ahead of time.
type message struct {
	topic   string
	payload []byte
}

// haDevice groups a camera's entities into one Home Assistant device.
type haDevice struct {
	Identifiers []string `json:"identifiers"`
	Name        string   `json:"name"`
	Model       string   `json:"model"`
	SWVersion   string   `json:"sw_version,omitempty"`
}

// haOrigin names the software behind the discovery messages (shown in
// Home Assistant's MQTT info and logs).
type haOrigin struct {
	Name      string `json:"name"`
	SWVersion string `json:"sw_version,omitempty"`
}

// haEntity is a discovery config for a binary_sensor or a sensor, with the
// keys Home Assistant reads for them.
type haEntity struct {
	Name                string   `json:"name"`
	UniqueID            string   `json:"unique_id"`
	StateTopic          string   `json:"state_topic"`
	ValueTemplate       string   `json:"value_template,omitempty"`
	PayloadOn           string   `json:"payload_on,omitempty"`
	PayloadOff          string   `json:"payload_off,omitempty"`
	DeviceClass         string   `json:"device_class,omitempty"`
	StateClass          string   `json:"state_class,omitempty"`
	AvailabilityTopic   string   `json:"availability_topic"`
	PayloadAvailable    string   `json:"payload_available"`
	PayloadNotAvailable string   `json:"payload_not_available"`
	QoS                 int      `json:"qos"`
	Device              haDevice `json:"device"`
	Origin              haOrigin `json:"origin"`
}

// detectedTemplate turns the count topic into the binary sensor's state.
const detectedTemplate = "{{ 'ON' if (value | int(0)) > 0 else 'OFF' }}"

// nodeID is the discovery node id and device identifier of the camera
// publishing under base: stable across restarts (unlike the default client
// id, which has the pid), so Home Assistant keeps its entities.
func nodeID(base string) string {
	id := slug(base)
	if !strings.HasPrefix(id, "retina") {
		id = "retina_" + id
	}
	return id
}

// discoveryMessages builds, per label, a binary_sensor "LABEL detected"
// (on while the count is above 0) and a sensor "LABEL count", both reading
// the label's count topic, under prefix/COMPONENT/NODE/OBJECT/config.
func discoveryMessages(prefix string, t topics, labels []string, qos byte, swVersion string) []message {
	node := nodeID(t.base)
	name := t.base[strings.LastIndexByte(t.base, '/')+1:]
	dev := haDevice{Identifiers: []string{node}, Name: name, Model: "retina", SWVersion: swVersion}
	origin := haOrigin{Name: "retina", SWVersion: swVersion}
	used := map[string]bool{}
	var out []message
	for i, label := range labels {
		obj := slug(label)
		if obj == "" || used[obj] {
			obj = "label_" + strconv.Itoa(i) + "_" + obj
			obj = strings.TrimSuffix(obj, "_")
		}
		used[obj] = true
		common := haEntity{
			StateTopic:          t.counts[i],
			AvailabilityTopic:   t.availability,
			PayloadAvailable:    online,
			PayloadNotAvailable: offline,
			QoS:                 int(qos),
			Device:              dev,
			Origin:              origin,
		}
		detected := common
		detected.Name = label + " detected"
		detected.UniqueID = node + "_" + obj + "_detected"
		detected.ValueTemplate = detectedTemplate
		detected.PayloadOn, detected.PayloadOff = "ON", "OFF"
		detected.DeviceClass = "occupancy"
		count := common
		count.Name = label + " count"
		count.UniqueID = node + "_" + obj + "_count"
		count.StateClass = "measurement"
		out = append(out,
			message{prefix + "/binary_sensor/" + node + "/" + obj + "_detected/config", mustJSON(detected)},
			message{prefix + "/sensor/" + node + "/" + obj + "_count/config", mustJSON(count)})
	}
	return out
}

// mustJSON encodes a value whose fields are all strings, ints and structs
// of them, which cannot fail; '>' stays '>' (the template reads better in
// mosquitto_sub than as \u003e).
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("mqttsink: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
