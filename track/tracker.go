package track

import (
	"math"

	"github.com/retina-edge/retina/net/detect"
)

// Track is one tracked object as the accessors report it.
type Track struct {
	ID     int        // 1, 2, ... once confirmed; never reused by a Tracker
	Class  int        // the detector's class index
	Label  string     // the class label
	Score  float32    // the score of the latest matched detection
	Box    [4]float32 // the latest matched detection's box (x1, y1, x2, y2)
	Hits   int        // frames matched in all
	Misses int        // consecutive frames unmatched until now (0: seen this frame)
	Age    int        // frames since the track was started
}

// state is a track with its motion filter.
type state struct {
	Track
	kf        kalman
	predicted [4]float32 // the filter's box for this frame, before matching
	peakW     float64    // the size of the largest box matched, which
	peakH     float64    // partial occlusion cannot shrink (recover's reference)
	det       int        // the detection matched this frame, or -1
}

// Tracker is a SORT / ByteTrack-style multi-object tracker; see the package
// doc. It is not safe for concurrent use; run one per camera.
type Tracker struct {
	opts   Options
	nextID int
	states []state
	alive  []Track
	ended  []Track
	high   []int  // detection indexes at or above HighScore
	low    []int  // detection indexes in [LowScore, HighScore)
	pool   []int  // state indexes taking part in an association stage
	rest   []int  // high-score detections not matched yet
	used   []bool // per detection: matched this frame
	ndets  int
	m      matcher
}

// New returns a tracker; zero option fields take their defaults. Options
// that fail Options.Check are replaced by DefaultOptions as a whole, so
// check them first where they come from a user (events.NewEngine does).
func New(opts Options) *Tracker {
	o, err := opts.resolve()
	if err != nil {
		o, _ = Options{}.resolve()
	}
	return &Tracker{opts: o, nextID: 1}
}

// Options returns the options in effect (defaults filled in).
func (t *Tracker) Options() Options { return t.opts }

// Tracks returns the confirmed tracks alive after the last Update, those
// matched in that frame (Misses 0) and those coasting through a short
// occlusion alike. The slice is reused by the next Update.
func (t *Tracker) Tracks() []Track { return t.alive }

// Ended returns the confirmed tracks that ended on the last Update (unmatched
// for MaxMisses frames). The slice is reused by the next Update.
func (t *Tracker) Ended() []Track { return t.ended }

// Update advances every track one frame and matches them with dets, whose
// Track fields it sets in place: the id of the confirmed track a detection
// belongs to, or 0 (not yet confirmed, too low a score, or unmatched).
// Detections below LowScore are ignored.
func (t *Tracker) Update(dets []detect.Detection) {
	t.ended = t.ended[:0]
	for i := range t.states {
		s := &t.states[i]
		s.kf.predict()
		s.predicted = s.kf.box()
		s.det = -1
		s.Age++
	}
	t.high, t.low, t.ndets = t.high[:0], t.low[:0], len(dets)
	for i := range dets {
		dets[i].Track = 0
		switch sc := dets[i].Score; {
		case sc >= t.opts.HighScore:
			t.high = append(t.high, i)
		case sc >= t.opts.LowScore:
			t.low = append(t.low, i)
		}
	}
	// First the high-score detections against the confirmed tracks, then
	// the ones left against the tentative tracks (ByteTrack's order: a new
	// track never takes an established one's detection).
	t.poolOf(func(s *state) bool { return s.ID != 0 })
	t.associate(dets, t.high, t.opts.MatchIoU)
	t.poolOf(func(s *state) bool { return s.ID == 0 })
	t.associate(dets, t.unmatched(t.high), t.opts.MatchIoU)
	// Then the low-score ones against the confirmed tracks still unmatched
	// that were seen last frame (a lost track is not revived by a weak
	// detection).
	t.poolOf(func(s *state) bool { return s.det < 0 && s.Misses == 0 && s.ID != 0 })
	t.associate(dets, t.low, t.opts.LowMatchIoU)
	t.recover(dets)
	t.finish(dets)
}

// associate matches the states in t.pool with the detections idx.
func (t *Tracker) associate(dets []detect.Detection, idx []int, thresh float32) {
	rows, cols := len(t.pool), len(idx)
	if rows == 0 || cols == 0 {
		return
	}
	iou := t.m.reset(rows, cols)
	for r, si := range t.pool {
		s := &t.states[si]
		for c, di := range idx {
			d := &dets[di]
			v := float32(0)
			if t.opts.AnyClass || d.Class == s.Class {
				v = IoU(s.predicted, d.Box)
			}
			iou[r*cols+c] = v
		}
	}
	for r, c := range t.m.solve(rows, cols, thresh) {
		if c >= 0 {
			t.states[t.pool[r]].det = idx[c]
		}
	}
}

// recover gives the confirmed tracks still unmatched a last chance at the
// high-score detections left, by distance rather than overlap: the object
// may have reversed (a bounce), or come out from behind something with its
// box cut and its motion misjudged, so that the predicted box no longer
// overlaps it. A detection qualifies when its centre is within the track's
// size plus the distance it could have moved since it was last seen, from
// the predicted centre or from the last seen one (OC-SORT's observation-
// centric recovery), and its area is within a factor 4 of the track's. The
// size is the largest the track has had: a box shrinking as its object went
// behind something says nothing of the object that comes out. Among
// several, the optimal assignment prefers the nearest.
func (t *Tracker) recover(dets []detect.Detection) {
	// Beyond a couple of frames an object near where a track was last
	// seen is more likely another one than the same one turned back.
	const recentMisses = 2
	t.poolOf(func(s *state) bool { return s.det < 0 && s.ID != 0 })
	rest := t.unmatched(t.high)
	rows, cols := len(t.pool), len(rest)
	if rows == 0 || cols == 0 {
		return
	}
	sim := t.m.reset(rows, cols)
	for r, si := range t.pool {
		s := &t.states[si]
		st := s.kf.state()
		speed := math.Hypot(s.kf.ax[0].vel, s.kf.ax[1].vel)
		gate := max(s.peakW, s.peakH) + speed*float64(s.Misses+1)
		seen := boxState(s.Box)
		area := s.peakW * s.peakH
		for c, di := range rest {
			d := &dets[di]
			v := float32(0)
			z := boxState(d.Box)
			if a := z[2] * z[3]; (t.opts.AnyClass || d.Class == s.Class) && a < 4*area && area < 4*a {
				// From the prediction, or, just after it was lost, from
				// where it was last seen (it may have turned back).
				dist := math.Hypot(z[0]-st[0], z[1]-st[1])
				if s.Misses <= recentMisses {
					dist = min(dist, math.Hypot(z[0]-seen[0], z[1]-seen[1]))
				}
				if dist < gate {
					v = float32(1 - dist/gate)
				}
			}
			sim[r*cols+c] = v
		}
	}
	for r, c := range t.m.solve(rows, cols, 1e-6) {
		if c >= 0 {
			t.states[t.pool[r]].det = rest[c]
		}
	}
}

// poolOf puts the states that satisfy keep in t.pool.
func (t *Tracker) poolOf(keep func(*state) bool) {
	t.pool = t.pool[:0]
	for i := range t.states {
		if keep(&t.states[i]) {
			t.pool = append(t.pool, i)
		}
	}
}

// unmatched returns the detections of idx no track has matched yet, in
// t.rest.
func (t *Tracker) unmatched(idx []int) []int {
	t.used = grow(t.used, t.ndets)
	clear(t.used)
	for i := range t.states {
		if d := t.states[i].det; d >= 0 {
			t.used[d] = true
		}
	}
	t.rest = t.rest[:0]
	for _, di := range idx {
		if !t.used[di] {
			t.rest = append(t.rest, di)
		}
	}
	return t.rest
}

// finish applies the matches: updates matched tracks, confirms, ages and
// ends the others, starts tracks from unmatched high-score detections, and
// fills the accessors.
func (t *Tracker) finish(dets []detect.Detection) {
	fresh := t.unmatched(t.high) // before the states are updated
	kept := t.states[:0]
	for i := range t.states {
		s := t.states[i]
		if s.det >= 0 {
			d := &dets[s.det]
			s.kf.update(d.Box)
			s.notePeak(d.Box)
			s.Hits++
			s.Misses = 0
			s.Score, s.Box = d.Score, d.Box
			if d.Score >= t.opts.HighScore {
				s.Class, s.Label = d.Class, d.Label
			}
			if s.ID == 0 && s.Hits >= t.opts.MinHits {
				s.ID = t.nextID
				t.nextID++
			}
			d.Track = s.ID
		} else {
			if s.Misses == 0 {
				s.kf.holdSize()
			}
			s.Misses++
			if s.ID == 0 {
				continue // a tentative track dies at its first miss
			}
			if s.Misses >= t.opts.MaxMisses {
				t.ended = append(t.ended, s.Track)
				continue
			}
		}
		kept = append(kept, s)
	}
	t.states = kept
	for _, di := range fresh {
		d := &dets[di]
		s := state{Track: Track{Class: d.Class, Label: d.Label, Score: d.Score, Box: d.Box, Hits: 1}, det: di}
		s.kf.init(d.Box)
		s.notePeak(d.Box)
		if t.opts.MinHits <= 1 {
			s.ID = t.nextID
			t.nextID++
			d.Track = s.ID
		}
		t.states = append(t.states, s)
	}
	t.alive = t.alive[:0]
	for i := range t.states {
		if t.states[i].ID != 0 {
			t.alive = append(t.alive, t.states[i].Track)
		}
	}
}

// NextID is the id the next confirmed track will get (so, one more than the
// number of tracks confirmed so far).
func (t *Tracker) NextID() int { return t.nextID }

// notePeak keeps the size of the largest box matched.
func (s *state) notePeak(b [4]float32) {
	if w, h := float64(b[2]-b[0]), float64(b[3]-b[1]); w*h > s.peakW*s.peakH {
		s.peakW, s.peakH = w, h
	}
}

// Reset ends every track at once (for a camera that went away: what it
// saw is no longer known). The confirmed ones are reported by Ended until
// the next Update; ids keep counting up.
func (t *Tracker) Reset() {
	t.ended = t.ended[:0]
	for i := range t.states {
		if t.states[i].ID != 0 {
			t.ended = append(t.ended, t.states[i].Track)
		}
	}
	t.states = t.states[:0]
	t.alive = t.alive[:0]
}
