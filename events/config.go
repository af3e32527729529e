package events

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/retina-edge/retina/track"
)

// Filter is a per-label threshold pair; a zero field falls back to the
// Config-wide default.
type Filter struct {
	MinScore float32 `yaml:"min_score"`
	MinArea  float32 `yaml:"min_area"` // box area in frame pixels
}

// Config is one camera's event settings, as the YAML config file holds
// them (flags override fields).
type Config struct {
	// Zones are "name:x1,y1,x2,y2,..." polygons in frame pixels (ParseZone).
	Zones []string `yaml:"zones"`
	// Masks are "x1,y1,x2,y2,..." polygons where detections are ignored.
	Masks []string `yaml:"masks"`
	// Labels keeps only these classes (all when empty).
	Labels []string `yaml:"labels"`
	// MinScore and MinArea apply to every label without its own Filter.
	MinScore float32 `yaml:"min_score"`
	MinArea  float32 `yaml:"min_area"`
	// Filters holds per-label thresholds, by label.
	Filters map[string]Filter `yaml:"filters"`
	// UpdateInterval is the least time between two update events of one
	// track for a better score or a new label (zone changes are sent at
	// once). Default 5 s.
	UpdateInterval time.Duration `yaml:"update_interval"`
	// SnapshotInterval is the least time between two snapshots of one track
	// (the first comes with the new event). Default 1 s.
	SnapshotInterval time.Duration `yaml:"snapshot_interval"`
	// Track tunes the tracker.
	Track track.Options `yaml:"track"`
}

// Defaults for the zero fields of Config.
const (
	DefaultUpdateInterval   = 5 * time.Second
	DefaultSnapshotInterval = time.Second
	maxZones                = 64 // zone membership is a bit set
)

// SetMinScores applies a --min-score value: "0.5" sets the default for all
// labels, "person=0.6,car=0.4" sets labels' own, and both may be mixed
// ("0.5,person=0.7").
func (c *Config) SetMinScores(spec string) error {
	return c.setPerLabel("min-score", spec, func(f *Filter, v float32) { f.MinScore = v }, &c.MinScore, 1)
}

// SetMinAreas applies a --min-area value in square pixels, in the form
// SetMinScores takes.
func (c *Config) SetMinAreas(spec string) error {
	return c.setPerLabel("min-area", spec, func(f *Filter, v float32) { f.MinArea = v }, &c.MinArea, 0)
}

// setPerLabel parses "[DEFAULT][,LABEL=V...]"; max 0 means no upper bound.
func (c *Config) setPerLabel(flag, spec string, set func(*Filter, float32), all *float32, max float32) error {
	for _, part := range strings.Split(spec, ",") {
		label, val, per := strings.Cut(strings.TrimSpace(part), "=")
		if !per {
			val, label = label, ""
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 32)
		if err != nil || v < 0 || (max > 0 && float32(v) > max) || v != v {
			bound := "a number >= 0"
			if max > 0 {
				bound = fmt.Sprintf("a number in 0..%g", max)
			}
			return fmt.Errorf("--%s %q: %q is not %s (use VALUE for all labels, LABEL=VALUE for one, comma-separated)", flag, spec, val, bound)
		}
		if !per {
			*all = float32(v)
			continue
		}
		if label = strings.TrimSpace(label); label == "" {
			return fmt.Errorf("--%s %q: empty label before '='", flag, spec)
		}
		if c.Filters == nil {
			c.Filters = map[string]Filter{}
		}
		f := c.Filters[label]
		set(&f, float32(v))
		c.Filters[label] = f
	}
	return nil
}

// compiled is a Config checked and parsed for the engine.
type compiled struct {
	zones     []Zone
	masks     []Polygon
	labels    map[string]bool // nil: all
	filters   map[string]Filter
	def       Filter
	updateGap time.Duration
	snapGap   time.Duration
}

func (c Config) compile() (compiled, error) {
	var k compiled
	if len(c.Zones) > maxZones {
		return k, fmt.Errorf("events: %d zones: at most %d", len(c.Zones), maxZones)
	}
	seen := map[string]bool{}
	for _, s := range c.Zones {
		z, err := ParseZone(s)
		if err != nil {
			return k, fmt.Errorf("events: %w", err)
		}
		if seen[z.Name] {
			return k, fmt.Errorf("events: zone %q given twice", z.Name)
		}
		seen[z.Name] = true
		k.zones = append(k.zones, z)
	}
	for _, s := range c.Masks {
		m, err := ParseMask(s)
		if err != nil {
			return k, fmt.Errorf("events: %w", err)
		}
		k.masks = append(k.masks, m)
	}
	if len(c.Labels) > 0 {
		k.labels = map[string]bool{}
		for _, l := range c.Labels {
			if l = strings.TrimSpace(l); l == "" {
				return k, fmt.Errorf("events: an empty label in labels %q", c.Labels)
			}
			k.labels[l] = true
		}
	}
	if c.MinScore < 0 || c.MinScore > 1 {
		return k, fmt.Errorf("events: min_score %g: want 0..1", c.MinScore)
	}
	if c.MinArea < 0 {
		return k, fmt.Errorf("events: min_area %g: want >= 0", c.MinArea)
	}
	k.def = Filter{MinScore: c.MinScore, MinArea: c.MinArea}
	k.filters = map[string]Filter{}
	for label, f := range c.Filters {
		if f.MinScore < 0 || f.MinScore > 1 || f.MinArea < 0 {
			return k, fmt.Errorf("events: filters for %q: min_score %g (want 0..1), min_area %g (want >= 0)", label, f.MinScore, f.MinArea)
		}
		if f.MinScore == 0 {
			f.MinScore = k.def.MinScore
		}
		if f.MinArea == 0 {
			f.MinArea = k.def.MinArea
		}
		k.filters[label] = f
	}
	if c.UpdateInterval < 0 || c.SnapshotInterval < 0 {
		return k, fmt.Errorf("events: update_interval %v, snapshot_interval %v: want >= 0", c.UpdateInterval, c.SnapshotInterval)
	}
	k.updateGap, k.snapGap = c.UpdateInterval, c.SnapshotInterval
	if k.updateGap == 0 {
		k.updateGap = DefaultUpdateInterval
	}
	if k.snapGap == 0 {
		k.snapGap = DefaultSnapshotInterval
	}
	if err := c.Track.Check(); err != nil {
		return k, fmt.Errorf("events: %w", err)
	}
	return k, nil
}

// keep reports whether a detection passes the label, score, area and mask
// filters.
func (k *compiled) keep(label string, score float32, box [4]float32) bool {
	if k.labels != nil && !k.labels[label] {
		return false
	}
	f, ok := k.filters[label]
	if !ok {
		f = k.def
	}
	if score < f.MinScore || (box[2]-box[0])*(box[3]-box[1]) < f.MinArea {
		return false
	}
	x, y := RefPoint(box)
	for i := range k.masks {
		if k.masks[i].Contains(x, y) {
			return false
		}
	}
	return true
}

// zoneSet returns the bit set of the zones containing the box's reference point.
func (k *compiled) zoneSet(box [4]float32) uint64 {
	x, y := RefPoint(box)
	var set uint64
	for i := range k.zones {
		if k.zones[i].Contains(x, y) {
			set |= 1 << i
		}
	}
	return set
}
