package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retina-edge/retina/internal/atomicfile"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/preprocess"
)

// labelOptions is one labelling run.
type labelOptions struct {
	frames, out, format string
	classes             []string // names to keep, in the dataset's order (nil: the model's named classes)
	flip                bool
	fuse                string
	detect              detect.Options // ScoreThresh: the labels' threshold
	quiet               bool
}

// labelResult is what a labelling run wrote.
type labelResult struct {
	data     string // what 'retina train --data' reads: the COCO JSON, or the VOC/YOLO root
	classes  []string
	images   int
	boxes    int
	reused   int // frames whose labels a previous run had made
	teacher  string
	scores   string // teacher_scores.json
	cocoDets string // teacher_detections.json ("" unless COCO)
}

func (r labelResult) summary() string {
	s := fmt.Sprintf("labelled %s (%d labelled by a previous run) with %s by %s, classes %s: %s",
		count(r.images, "frame", "frames"), r.reused, count(r.boxes, "box", "boxes"), r.teacher, strings.Join(r.classes, ", "), r.data)
	s += "; teacher scores " + r.scores
	if r.cocoDets != "" {
		s += "; teacher detections " + r.cocoDets
	}
	return s
}

// teacherDir holds one record per frame: the teacher's detections, written
// atomically as each frame is done, which is what makes a run resumable.
const teacherDir = "teacher"

// TeacherDetectionsFile is the COCO results file label writes beside a
// COCO dataset: the labelled boxes with their scores.
const teacherDetectionsFile = "teacher_detections.json"

// frameRecord is teacher/NAME.json.
type frameRecord struct {
	Settings   string             `json:"settings"` // the run settings that made it
	Width      int                `json:"width"`
	Height     int                `json:"height"`
	Detections []detect.Detection `json:"detections"` // every class, score >= the threshold
}

// labelWithModel loads the model of mf and labels.
func labelWithModel(ctx context.Context, mf *modelFlags, o labelOptions, stderr io.Writer) (labelResult, error) {
	m, err := mf.load()
	if err != nil {
		return labelResult{}, err
	}
	defer m.Close()
	run := o.detect
	if o.flip {
		// Each view keeps low scores too: fusion decides what reaches the threshold.
		run.ScoreThresh = min(run.ScoreThresh, 0.05)
	}
	det, err := m.Detector(run)
	if err != nil {
		return labelResult{}, err
	}
	cfg := m.Config()
	stages, err := detect.NewStages(cfg, o.detect)
	if err != nil {
		return labelResult{}, err
	}
	keep, names, err := labelClasses(stages.Labels, o.classes)
	if err != nil {
		return labelResult{}, fmt.Errorf("%s: %w", mf.describe(), err)
	}
	settings := labelSettings(mf, o)
	imgDir := filepath.Join(o.out, dataset.ImageDir(o.format))
	frames, err := gatherFrames(ctx, o.frames, imgDir)
	if err != nil {
		return labelResult{}, err
	}
	res := labelResult{classes: names, images: len(frames), teacher: mf.describe()}
	var bar *progress
	if !o.quiet {
		bar = newProgress(len(frames), "labelling", stderr)
		defer bar.Finish()
	}
	ds := &dataset.Dataset{Classes: names, Format: o.format}
	ts := &dataset.TeacherScores{Teacher: mf.describe(), Classes: names}
	for i, path := range frames {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("label: stopped after %d of %d frames (run the same command to continue): %w", i, len(frames), err)
		}
		rec, reused, err := labelFrame(det, path, settings, o)
		if err != nil {
			return res, err
		}
		if reused {
			res.reused++
		}
		s := dataset.Sample{ImagePath: path, Width: rec.Width, Height: rec.Height}
		ti := dataset.TeacherImage{File: filepath.ToSlash(mustRel(o.out, path)), Boxes: []dataset.TeacherBox{}}
		for _, d := range rec.Detections {
			c, ok := keep[d.Class]
			if !ok {
				continue
			}
			b := d.Box
			s.Boxes = append(s.Boxes, dataset.Object{Box: b, Class: c, Area: (b[2] - b[0]) * (b[3] - b[1])})
			ti.Boxes = append(ti.Boxes, dataset.TeacherBox{Class: c, Box: b, Score: d.Score})
		}
		res.boxes += len(s.Boxes)
		ds.Samples = append(ds.Samples, s)
		ts.Images = append(ts.Images, ti)
		if bar != nil {
			bar.Set(i + 1)
		}
	}
	if err := dataset.Write(o.out, o.format, ds); err != nil {
		return res, err
	}
	res.scores = filepath.Join(o.out, dataset.TeacherScoresFile)
	if err := dataset.WriteTeacherScores(res.scores, ts); err != nil {
		return res, err
	}
	res.data = o.out
	if o.format == dataset.FormatCOCO {
		res.data = filepath.Join(o.out, dataset.AnnotationsFile)
		res.cocoDets = filepath.Join(o.out, teacherDetectionsFile)
		if err := writeCOCOResults(res.cocoDets, ts); err != nil {
			return res, err
		}
	}
	return res, nil
}

// labelFrame is one frame's record: read back when a previous run with the
// same settings wrote it, else made now and written atomically.
func labelFrame(det *detect.Detector, path, settings string, o labelOptions) (frameRecord, bool, error) {
	recPath := filepath.Join(o.out, teacherDir, filepath.Base(path)+".json")
	var rec frameRecord
	if data, err := os.ReadFile(recPath); err == nil && json.Unmarshal(data, &rec) == nil && rec.Settings == settings {
		return rec, true, nil
	}
	img, err := preprocess.DecodeFile(path, maxImagePixels)
	if err != nil {
		return rec, false, err
	}
	dets, err := det.Detect(img)
	if err != nil {
		return rec, false, fmt.Errorf("%s: %w", path, err)
	}
	b := img.Bounds()
	if o.flip {
		flipped, err := det.Detect(mirror(img))
		if err != nil {
			return rec, false, fmt.Errorf("%s (mirrored): %w", path, err)
		}
		dets = fuse(o.fuse, [2][]detect.Detection{dets, unmirror(flipped, b.Dx())}, o.detect.ScoreThresh, o.detect.NMSThresh)
		if len(dets) > o.detect.MaxDetections {
			dets = dets[:o.detect.MaxDetections]
		}
	}
	rec = frameRecord{Settings: settings, Width: b.Dx(), Height: b.Dy(), Detections: nonNil(dets)}
	data, err := json.Marshal(rec)
	if err != nil {
		return rec, false, err
	}
	if err := os.MkdirAll(filepath.Dir(recPath), 0o755); err != nil {
		return rec, false, err
	}
	return rec, false, atomicfile.WriteBytes(recPath, data)
}

// labelSettings names everything that decides a frame's record, so that a
// resumed run reuses only records made the same way.
func labelSettings(mf *modelFlags, o labelOptions) string {
	model := "embedded"
	if *mf.path != "" {
		model = abs(*mf.path)
		if st, err := os.Stat(*mf.path); err == nil {
			model += fmt.Sprintf(" %d bytes %s", st.Size(), st.ModTime().UTC().Format("2006-01-02T15:04:05.000000000"))
		}
	}
	d := o.detect
	return fmt.Sprintf("model %s; score %g nms %g max %d topk %d size %d..%d; flip %v fuse %s",
		model, d.ScoreThresh, d.NMSThresh, d.MaxDetections, d.TopK, d.MinSize, d.MaxSize, o.flip, o.fuse)
}

// labelClasses maps the model's class indexes to the dataset's: the named
// ones in that order, or every class with a real name (not torchvision's
// "__background__" and "N/A" placeholders, a repeated name once).
func labelClasses(labels, want []string) (map[int]int, []string, error) {
	keep := map[int]int{}
	if want == nil {
		var names []string
		for i, l := range labels {
			if l == "__background__" || l == "N/A" || slices.Contains(names, l) {
				continue
			}
			keep[i] = len(names)
			names = append(names, l)
		}
		return keep, names, nil
	}
	for j, w := range want {
		i := slices.Index(labels, w)
		if i < 0 {
			return nil, nil, usagef("--classes: the model has no class %q (it knows %s)", w, strings.Join(realNames(labels), ", "))
		}
		if slices.Contains(want[:j], w) {
			return nil, nil, usagef("--classes names %q twice", w)
		}
		keep[i] = j
	}
	return keep, want, nil
}

func realNames(labels []string) []string {
	var out []string
	for _, l := range labels {
		if l != "__background__" && l != "N/A" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

func mustRel(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil {
		return rel
	}
	return p
}

// writeCOCOResults writes the teacher's boxes as COCO results for the
// dataset's annotations.json: image_id is the sample's index + 1 and
// category_id the class index + 1, as dataset.WriteCOCO numbers them, and
// bbox is computed from the same float32 corners, so the results are the
// ground truth's boxes exactly.
func writeCOCOResults(path string, ts *dataset.TeacherScores) error {
	out := []cocoResult{}
	for i, im := range ts.Images {
		for _, b := range im.Boxes {
			out = append(out, newCOCOResult(i+1, b.Class+1, b.Box, b.Score))
		}
	}
	data, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, append(data, '\n'))
}

// cocoResult is one detection of a COCO results file.
type cocoResult struct {
	ImageID    int        `json:"image_id"`
	CategoryID int        `json:"category_id"`
	BBox       [4]float32 `json:"bbox"` // x, y, width, height
	Score      float32    `json:"score"`
}

// newCOCOResult converts corners x1, y1, x2, y2 to COCO's x, y, w, h as
// dataset.WriteCOCO converts its annotations (the same float32 operations).
func newCOCOResult(image, category int, box [4]float32, score float32) cocoResult {
	return cocoResult{image, category, [4]float32{box[0], box[1], box[2] - box[0], box[3] - box[1]}, score}
}
