package track_test

import (
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/retina-edge/retina"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/synth"
	"github.com/retina-edge/retina/track"
)

// TestMOTEndToEnd renders sequences with `retina synth --sequence`'s
// generator, runs the embedded default model and the tracker over their
// JPEG frames, and scores the tracks against their gt.txt, printing the
// README's table:
//
//	go test ./track -run TestMOTEndToEnd -v
func TestMOTEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the default model over 160 frames (some seconds)")
	}
	det := defaultDetector(t)
	table := "| sequence | frames | GT tracks | MOTA | IDF1 | ID switches | frag. | FP | FN | ceiling MOTA / IDF1 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
	for _, c := range []struct {
		opts    synth.SequenceOptions
		maxIDSW int
	}{
		{synth.SequenceOptions{Frames: 80, Seed: 1, Objects: 5, Occluders: 1}, 1},
		// Crowded: the model misses or mislabels the shapes behind two
		// posts and one another often (see the ceiling), and an object lost
		// that way for long may be found again under a new id.
		{synth.SequenceOptions{Frames: 80, Seed: 2, Objects: 8, Occluders: 2}, 3},
	} {
		opts := c.opts
		m, best := runSequence(t, det, opts)
		name := fmt.Sprintf("--sequence %d --seed %d --max-objects %d --occluders %d", opts.Frames, opts.Seed, opts.Objects, opts.Occluders)
		t.Logf("%s: %v", name, m)
		table += fmt.Sprintf("| `%s` | %d | %d | %.3f | %.3f | %d | %d | %d | %d | %.3f / %.3f |\n",
			name, m.Frames, m.GTTracks, m.MOTA, m.IDF1, m.IDSW, m.Frag, m.FP, m.FN, best.MOTA, best.IDF1)
		// The bars: few id switches, and within a few points of what a
		// perfect tracker makes of the same detections.
		if m.IDSW > c.maxIDSW || m.IDF1 < best.IDF1-0.06 || m.MOTA < best.MOTA-0.05 {
			t.Errorf("%s: below the bar (IDSW <= %d, IDF1 >= %.3f, MOTA >= %.3f): %v", name, c.maxIDSW, best.IDF1-0.06, best.MOTA-0.05, m)
		}
	}
	t.Logf("default model (float, 448x448) + tracker (default options):\n%s", table)
}

// runSequence writes a sequence and scores the detector and a fresh
// tracker on it.
func runSequence(t *testing.T, det *detect.Detector, opts synth.SequenceOptions) (m, ceiling track.Metrics) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "seq")
	if err := synth.GenerateSequence(dir, opts); err != nil {
		t.Fatal(err)
	}
	return scoreFolder(t, det, dir, opts.Frames)
}

// TestMOTOnFolder scores the default model and the tracker on any sequence
// in the form `retina synth --sequence` writes (frame_0001.jpg... and
// gt.txt), such as one held back for testing:
//
//	RETINA_MOT_DIR=/path/to/seq go test ./track -run TestMOTOnFolder -v
func TestMOTOnFolder(t *testing.T) {
	dir := os.Getenv("RETINA_MOT_DIR")
	if dir == "" {
		t.Skip("set RETINA_MOT_DIR to a folder of frame_NNNN.jpg and gt.txt")
	}
	frames, err := filepath.Glob(filepath.Join(dir, "frame_*.jpg"))
	if err != nil || len(frames) == 0 {
		t.Fatalf("%s: no frame_NNNN.jpg files", dir)
	}
	m, best := scoreFolder(t, defaultDetector(t), dir, len(frames))
	t.Logf("%s: %v (a perfect tracker on the same detections: MOTA %.3f IDF1 %.3f)", dir, m, best.MOTA, best.IDF1)
}

// scoreFolder reads a sequence folder's gt.txt and scores the detector and
// a fresh tracker on its frames 1..frames.
func scoreFolder(t *testing.T, det *detect.Detector, dir string, frames int) (m, ceiling track.Metrics) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "gt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := track.ReadMOT("gt.txt", f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	gtByFrame := map[int][]track.MOTRecord{}
	for _, r := range recs {
		gtByFrame[r.Frame] = append(gtByFrame[r.Frame], r)
	}
	tr := track.New(track.Options{})
	var ev, perfect track.Evaluator
	for i := 1; i <= frames; i++ {
		dets, err := det.Detect(decode(t, filepath.Join(dir, synth.FrameName(i))))
		if err != nil {
			t.Fatal(err)
		}
		tr.Update(dets)
		// Objects under 40% visible are ignored, with whatever tracker box
		// lies on them (MOTChallenge's rule for ignored objects).
		var gt, ignored, hyp []track.Object
		for _, r := range gtByFrame[i] {
			if r.Consider {
				gt = append(gt, r.Object)
			} else {
				ignored = append(ignored, r.Object)
			}
		}
		for _, d := range dets {
			if d.Track != 0 && !overlapsAny(d.Box, ignored) {
				hyp = append(hyp, track.Object{ID: d.Track, Class: d.Class, Box: d.Box})
			}
		}
		ev.Add(gt, hyp)
		perfect.Add(gt, oracle(dets, gt, tr.Options().HighScore, i))
	}
	return ev.Result(), perfect.Result()
}

// oracle is a perfect tracker on the same detections: each detection at or
// above the tracker's high score takes the id of the object it overlaps
// best (IoU >= 0.5, same class); the rest keep ids of their own (false
// positives). What it scores is the ceiling the detector leaves.
func oracle(dets []detect.Detection, gt []track.Object, high float32, frame int) []track.Object {
	var hyp []track.Object
	for k, d := range dets {
		if d.Score < high {
			continue
		}
		id, best := 1_000_000+frame*1000+k, float32(0.5)
		for _, g := range gt {
			if v := track.IoU(d.Box, g.Box); g.Class == d.Class && v >= best {
				id, best = g.ID, v
			}
		}
		hyp = append(hyp, track.Object{ID: id, Class: d.Class, Box: d.Box})
	}
	return hyp
}

// defaultDetector runs the embedded default model (torchvision's default
// thresholds: the tracker sees the low scores too).
func defaultDetector(t *testing.T) *detect.Detector {
	t.Helper()
	cfg, weights, err := retina.DefaultModelWeights()
	if err != nil {
		t.Fatal(err)
	}
	model, err := net.NewModelWith(cfg, weights, net.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(model.Close)
	det, err := detect.New(model, detect.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return det
}

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func overlapsAny(b [4]float32, objs []track.Object) bool {
	for _, o := range objs {
		if track.IoU(b, o.Box) >= 0.5 {
			return true
		}
	}
	return false
}
