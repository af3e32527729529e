package mqttsink

import (
	"errors"
	"fmt"
	"strings"
)

// The sub-topics under the base topic that are not labels.
const (
	eventsTopic       = "events"
	availabilityTopic = "availability"
	framesTopic       = "frames"
)

// Availability payloads, Home Assistant's defaults.
const (
	online  = "online"
	offline = "offline"
)

// topics are every topic the sink publishes to, built once.
type topics struct {
	base         string
	events       string
	availability string
	frames       string
	counts       []string // per label: BASE/LABEL
}

// checkTopic refuses a base topic a publisher cannot use.
func checkTopic(base string) error {
	if base == "" {
		return errors.New("--topic: empty")
	}
	if strings.ContainsAny(base, "+#") {
		return fmt.Errorf("--topic %q: contains a wildcard (+ or #), which cannot be published to", base)
	}
	if strings.HasPrefix(base, "$") {
		return fmt.Errorf("--topic %q: topics starting with $ are the broker's own", base)
	}
	if strings.HasSuffix(base, "/") || strings.ContainsRune(base, 0) {
		return fmt.Errorf("--topic %q: want a topic such as retina/front_door (no trailing /)", base)
	}
	return nil
}

// labelLevel is a label as one topic level: '/', '+', '#' and NUL would
// split it or make it a wildcard, so they become '_'.
func labelLevel(label string) string {
	if label == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '/', '+', '#', 0:
			return '_'
		}
		return r
	}, label)
}

// newTopics builds the topics for base and labels; a label whose topic
// would be one of the sink's own (events, availability, frames) or another
// label's is refused.
func newTopics(base string, labels []string) (topics, error) {
	t := topics{
		base:         base,
		events:       base + "/" + eventsTopic,
		availability: base + "/" + availabilityTopic,
		frames:       base + "/" + framesTopic,
		counts:       make([]string, len(labels)),
	}
	seen := map[string]string{eventsTopic: "", availabilityTopic: "", framesTopic: ""}
	for i, l := range labels {
		lv := labelLevel(l)
		if other, dup := seen[lv]; dup {
			if other == "" {
				return topics{}, fmt.Errorf("mqtt: label %q would publish its count on %s/%s, which retina uses for %s", l, base, lv, lv)
			}
			return topics{}, fmt.Errorf("mqtt: labels %q and %q would publish their counts on one topic %s/%s", other, l, base, lv)
		}
		seen[lv] = l
		t.counts[i] = base + "/" + lv
	}
	return t, nil
}

// slug is s as a Home Assistant object or node id: lower-case letters,
// digits and '_' (every other run of characters becomes one '_').
func slug(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
