package events

import (
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The config file form of one camera's settings, read by the real YAML
// library.
func TestConfigYAML(t *testing.T) {
	src := `
zones:
  - "porch:0,300,200,300,200,480,0,480"
masks:
  - "600,0,640,0,640,40"
labels: [person, car]
min_score: 0.4
min_area: 100
filters:
  car: {min_score: 0.7, min_area: 2000}
update_interval: 10s
snapshot_interval: 500ms
track:
  min_hits: 2
  max_misses: 30
  any_class: true
`
	var cfg Config
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.UpdateInterval != 10*time.Second || cfg.SnapshotInterval != 500*time.Millisecond || cfg.Filters["car"].MinArea != 2000 ||
		cfg.Track.MinHits != 2 || cfg.Track.MaxMisses != 30 || !cfg.Track.AnyClass || len(cfg.Labels) != 2 || cfg.MinScore != 0.4 {
		t.Fatalf("%+v", cfg)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if z := e.Zones(); len(z) != 1 || z[0].Name != "porch" || !z[0].Contains(100, 400) || z[0].Contains(100, 100) {
		t.Fatalf("zones %+v", z)
	}
	// A person may be small, a car not; below the default score nothing.
	for _, c := range []struct {
		label string
		score float32
		box   [4]float32
		keep  bool
	}{
		{"person", 0.5, [4]float32{0, 0, 20, 20}, true},
		{"car", 0.8, [4]float32{0, 0, 20, 20}, false},
		{"car", 0.8, [4]float32{0, 0, 50, 50}, true},
		{"car", 0.6, [4]float32{0, 0, 50, 50}, false},
		{"person", 0.3, [4]float32{0, 0, 20, 20}, false},
		{"person", 0.9, [4]float32{610, 0, 630, 20}, false}, // bottom centre (620, 20) in the mask
	} {
		if got := e.k.keep(c.label, c.score, c.box); got != c.keep {
			t.Errorf("%s %.1f %v: keep %v, want %v", c.label, c.score, c.box, got, c.keep)
		}
	}
}
