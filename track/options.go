package track

import "fmt"

// Options tune a Tracker. The zero value of a field means its default
// (DefaultOptions); YAML configs use the tags.
type Options struct {
	// HighScore splits detections: at or above it they are matched first
	// and may start tracks; below it (down to LowScore) they can only keep
	// an existing track alive (ByteTrack's second association). Default 0.5.
	HighScore float32 `yaml:"high_score"`
	// LowScore: detections below it are not tracked at all. Default 0.1.
	LowScore float32 `yaml:"low_score"`
	// MatchIoU is the least IoU between a track's predicted box and a
	// high-score detection for them to match. Default 0.2.
	MatchIoU float32 `yaml:"match_iou"`
	// LowMatchIoU is the least IoU for the low-score association, stricter
	// because low scores are more often false positives. Default 0.5.
	LowMatchIoU float32 `yaml:"low_match_iou"`
	// MinHits is the matched frames a new track needs before it is
	// confirmed and given an id. Default 3.
	MinHits int `yaml:"min_hits"`
	// MaxMisses is the consecutive unmatched frames after which a confirmed
	// track ends (an occlusion shorter than this keeps the id). Default 20.
	MaxMisses int `yaml:"max_misses"`
	// AnyClass lets a track match detections of any class (its label is then
	// that of its latest high-score detection). By default a track matches
	// only detections of its own class, so crossing objects of different
	// classes never swap ids.
	AnyClass bool `yaml:"any_class"`
}

// DefaultOptions returns the defaults the zero fields of Options stand for.
func DefaultOptions() Options {
	return Options{HighScore: 0.5, LowScore: 0.1, MatchIoU: 0.2, LowMatchIoU: 0.5, MinHits: 3, MaxMisses: 20}
}

// resolve fills zero fields with defaults and checks ranges.
func (o Options) resolve() (Options, error) {
	d := DefaultOptions()
	if o.HighScore == 0 {
		o.HighScore = d.HighScore
	}
	if o.LowScore == 0 {
		o.LowScore = min(d.LowScore, o.HighScore)
	}
	if o.MatchIoU == 0 {
		o.MatchIoU = d.MatchIoU
	}
	if o.LowMatchIoU == 0 {
		o.LowMatchIoU = d.LowMatchIoU
	}
	if o.MinHits == 0 {
		o.MinHits = d.MinHits
	}
	if o.MaxMisses == 0 {
		o.MaxMisses = d.MaxMisses
	}
	switch {
	case o.HighScore < 0 || o.HighScore > 1:
		return o, fmt.Errorf("track: high_score %g: want 0..1", o.HighScore)
	case o.LowScore < 0 || o.LowScore > o.HighScore:
		return o, fmt.Errorf("track: low_score %g: want 0..high_score (%g)", o.LowScore, o.HighScore)
	case o.MatchIoU <= 0 || o.MatchIoU >= 1:
		return o, fmt.Errorf("track: match_iou %g: want between 0 and 1", o.MatchIoU)
	case o.LowMatchIoU <= 0 || o.LowMatchIoU >= 1:
		return o, fmt.Errorf("track: low_match_iou %g: want between 0 and 1", o.LowMatchIoU)
	case o.MinHits < 1 || o.MinHits > 1000:
		return o, fmt.Errorf("track: min_hits %d: want 1..1000", o.MinHits)
	case o.MaxMisses < 1 || o.MaxMisses > 100000:
		return o, fmt.Errorf("track: max_misses %d: want 1..100000", o.MaxMisses)
	}
	return o, nil
}

// Check reports whether the options are valid (after defaults), with an
// error naming the bad field.
func (o Options) Check() error {
	_, err := o.resolve()
	return err
}
