package main

import (
	"flag"
	"strings"
	"time"

	"github.com/retina-edge/retina/events"
	"github.com/retina-edge/retina/track"
)

// eventFlags are retina stream's tracking, filter, events and snapshot
// flags (the events engine always runs: it gives detections their track
// ids; with no filter it keeps every detection).
type eventFlags struct {
	print                                bool
	zones, masks, minScores, minAreas    *listFlag
	labels                               *string
	snapshots                            *string
	snapshotsMaxCount, snapshotsMaxBytes *int
	updateInterval, snapshotInterval     *time.Duration
	track                                track.Options // the config file's track: section
}

func addEventFlags(fs *flag.FlagSet) *eventFlags {
	f := &eventFlags{}
	fs.BoolVar(&f.print, "events", false, "print one JSON line per tracked-object event (new, update, end: id, track, label, score, box, zones, start)")
	f.zones = listFlagVar(fs, "zone", ":", "a zone `NAME:x1,y1,x2,y2,x3,y3,...`: a polygon in frame pixels; events say which zones an object is in "+
		"(by its box's bottom centre). Repeatable")
	f.masks = listFlagVar(fs, "mask", "", "ignore detections inside the polygon `x1,y1,x2,y2,x3,y3,...` (frame pixels; by the box's bottom centre). Repeatable")
	f.labels = fs.String("labels", "", "keep only these classes: `LIST`, e.g. person,car (default all)")
	f.minScores = listFlagVar(fs, "min-score", "=", "drop detections scoring below `F` (0..1); LABEL=F for one label, e.g. person=0.6. "+
		"Repeatable; applied after --score-threshold")
	f.minAreas = listFlagVar(fs, "min-area", "=", "drop boxes smaller than `PX` square pixels; LABEL=PX for one label. Repeatable")
	f.snapshots = fs.String("snapshots", "", "save each event's best frame (boxes drawn) as `DIR`/EVENT_ID.jpg, written atomically; "+
		"the oldest are removed past --snapshots-max-count or --snapshots-max-mb")
	f.snapshotsMaxCount = fs.Int("snapshots-max-count", 1000, "keep at most `N` snapshots in --snapshots DIR")
	f.snapshotsMaxBytes = fs.Int("snapshots-max-mb", 500, "keep at most `MB` of snapshots in --snapshots DIR")
	f.updateInterval = fs.Duration("update-interval", events.DefaultUpdateInterval, "least `DURATION` between two update events of one object "+
		"(for a better score or a new label; zone changes are sent at once)")
	f.snapshotInterval = fs.Duration("snapshot-interval", events.DefaultSnapshotInterval, "least `DURATION` between two snapshots of one object")
	return f
}

// configSections are the config file's keys that are no flags: track (the
// tracker's tuning, as track.Options' YAML: high_score, min_hits, ...).
func (f *eventFlags) configSections() map[string]configSection {
	return map[string]configSection{"track": strictSection(&f.track)}
}

// config is the events engine's configuration the flags give.
func (f *eventFlags) config() (events.Config, error) {
	if *f.updateInterval <= 0 || *f.snapshotInterval <= 0 {
		return events.Config{}, usagef("--update-interval %v, --snapshot-interval %v: want positive durations", *f.updateInterval, *f.snapshotInterval)
	}
	cfg := events.Config{Zones: f.zones.values, Masks: f.masks.values, Track: f.track,
		UpdateInterval: *f.updateInterval, SnapshotInterval: *f.snapshotInterval}
	if *f.labels != "" {
		for _, l := range strings.Split(*f.labels, ",") {
			cfg.Labels = append(cfg.Labels, strings.TrimSpace(l))
		}
	}
	for _, s := range f.minScores.values {
		if err := cfg.SetMinScores(s); err != nil {
			return cfg, usageError{err.Error()}
		}
	}
	for _, s := range f.minAreas.values {
		if err := cfg.SetMinAreas(s); err != nil {
			return cfg, usageError{err.Error()}
		}
	}
	return cfg, nil
}

// engine checks the flags and makes the events engine.
func (f *eventFlags) engine() (*events.Engine, error) {
	if *f.snapshotsMaxCount < 1 {
		return nil, usagef("--snapshots-max-count %d: want at least 1", *f.snapshotsMaxCount)
	}
	if *f.snapshotsMaxBytes < 1 {
		return nil, usagef("--snapshots-max-mb %d: want at least 1", *f.snapshotsMaxBytes)
	}
	cfg, err := f.config()
	if err != nil {
		return nil, err
	}
	e, err := events.NewEngine(cfg)
	if err != nil {
		return nil, usageError{strings.TrimPrefix(err.Error(), "events: ")}
	}
	return e, nil
}

// snapshotStore opens the store of event snapshots: --snapshots DIR with
// its caps, or memory only (for the preview's /events/ID/snapshot.jpg).
func (f *eventFlags) snapshotStore() (*events.SnapshotStore, error) {
	return events.OpenSnapshotStore(events.StoreOptions{Dir: *f.snapshots, MaxFiles: *f.snapshotsMaxCount,
		MaxBytes: int64(*f.snapshotsMaxBytes) << 20})
}
