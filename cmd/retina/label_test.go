package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/synth"
)

// labelFrames makes n synth images (no annotations beside them) to label.
func labelFrames(t *testing.T, n, size int, seed int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "synth")
	if err := synth.Generate(dir, synth.Options{N: n, Size: size, Seed: seed, Format: "coco"}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "images")
}

func mustRunCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("retina %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

func evalStats(t *testing.T, gt, dt string) map[string]float64 {
	t.Helper()
	var rep evalReport
	if err := json.Unmarshal([]byte(mustRunCLI(t, "eval", "--gt", gt, "--dt", dt, "--json")), &rep); err != nil {
		t.Fatal(err)
	}
	return rep.Stats
}

// detectAsCOCOResults runs `retina detect --json` (the teacher's own
// detections, not label's) on the dataset's images and writes them as COCO
// results with the dataset's image ids, keeping the classes in keep
// (name -> category id).
func detectAsCOCOResults(t *testing.T, annotations string, keep map[string]int, extra ...string) string {
	t.Helper()
	var coco struct {
		Images []struct {
			ID       int    `json:"id"`
			FileName string `json:"file_name"`
		} `json:"images"`
	}
	raw, err := os.ReadFile(annotations)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &coco); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"detect", "--json"}, extra...)
	ids := map[string]int{}
	for _, im := range coco.Images {
		p := filepath.Join(filepath.Dir(annotations), im.FileName)
		ids[p] = im.ID
		args = append(args, p)
	}
	results := []cocoResult{}
	for _, line := range strings.Split(strings.TrimSpace(mustRunCLI(t, args...)), "\n") {
		var r imageResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		for _, d := range r.Detections {
			if c, ok := keep[d.Label]; ok {
				results = append(results, newCOCOResult(ids[r.Image], c, d.Box, d.Score))
			}
		}
	}
	out := filepath.Join(t.TempDir(), "detect_results.json")
	data, _ := json.Marshal(results)
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// assertPerfect checks the stats of detections that are the ground truth's
// boxes exactly: each box matches its own annotation at IoU 1, above every
// threshold 0.50..0.95, and there is no other detection, so precision is 1
// at every recall: AP, AP50, AP75 and AR100 are 1, and the area ranges are
// 1 or -1 (no annotation of that size). AR1 and AR10 are left out: an image
// with more than 1 (10) objects cannot reach recall 1 with 1 (10) detections.
func assertPerfect(t *testing.T, stats map[string]float64) {
	t.Helper()
	// 1e-12: COCO's averages of 1s over classes and thresholds can round to 0.9999999999999999.
	for _, k := range []string{"AP", "AP50", "AP75", "AR100"} {
		if math.Abs(stats[k]-1) > 1e-12 {
			t.Fatalf("%s = %v, want 1 (stats %v)", k, stats[k], stats)
		}
	}
	for _, k := range []string{"AP_small", "AP_medium", "AP_large", "AR_small", "AR_medium", "AR_large"} {
		if math.Abs(stats[k]-1) > 1e-12 && stats[k] != -1 {
			t.Fatalf("%s = %v, want 1 or -1 (stats %v)", k, stats[k], stats)
		}
	}
}

func TestLabelEvalTrainResume(t *testing.T) {
	frames := labelFrames(t, 6, 160, 21)
	out := filepath.Join(t.TempDir(), "labelled")
	stdout := mustRunCLI(t, "label", "--data", frames, "--out", out, "--threads", "2", "--quiet")
	if !strings.Contains(stdout, "labelled 6 frames (0 labelled by a previous run)") {
		t.Fatalf("stdout %q", stdout)
	}
	gt := filepath.Join(out, "annotations.json")
	ds, err := dataset.Load(gt, dataset.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ds.Classes, synth.ShapeNames) {
		t.Fatalf("classes %v, want the model's %v", ds.Classes, synth.ShapeNames)
	}
	boxes := 0
	for _, s := range ds.Samples {
		boxes += len(s.Boxes)
	}
	if boxes < 6 {
		t.Fatalf("only %d boxes on 6 synth images: the teacher found almost nothing", boxes)
	}
	// label's own results file and the teacher's own detections (retina
	// detect at the label threshold) both score perfectly, with the same stats.
	fromLabel := evalStats(t, gt, filepath.Join(out, teacherDetectionsFile))
	assertPerfect(t, fromLabel)
	keep := map[string]int{}
	for i, c := range ds.Classes {
		keep[c] = i + 1
	}
	fromDetect := evalStats(t, gt, detectAsCOCOResults(t, gt, keep, "--score-threshold", "0.5", "--threads", "2"))
	for k, v := range fromLabel {
		if fromDetect[k] != v {
			t.Fatalf("%s: %v from retina detect, %v from label's teacher_detections.json", k, fromDetect[k], v)
		}
	}
	// The teacher scores file gives every annotation its score.
	ts, err := dataset.ReadTeacherScores(filepath.Join(out, dataset.TeacherScoresFile))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ds.ApplyTeacherScores(ts, out); err != nil || n != boxes {
		t.Fatalf("teacher scores for %d of %d boxes (%v)", n, boxes, err)
	}
	// A second run reuses every frame's record and writes the same dataset.
	before, _ := os.ReadFile(gt)
	stdout = mustRunCLI(t, "label", "--data", frames, "--out", out, "--threads", "2", "--quiet")
	if !strings.Contains(stdout, "(6 labelled by a previous run)") {
		t.Fatalf("resumed run: %q", stdout)
	}
	if after, _ := os.ReadFile(gt); !bytes.Equal(before, after) {
		t.Fatal("the resumed run wrote different annotations")
	}
	// retina train reads it.
	mustRunCLI(t, "train", "--data", gt, "--epochs", "1", "--batch", "3", "--size", "64", "--threads", "2",
		"--out", filepath.Join(t.TempDir(), "run"), "--quiet")
}

func TestLabelClassesFormatsAndMJPEG(t *testing.T) {
	frames := labelFrames(t, 4, 160, 22)
	// An MJPEG file: the JPEG frames one after the other.
	var mjpeg []byte
	files, _ := imageFiles(frames)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		mjpeg = append(mjpeg, b...)
	}
	video := filepath.Join(t.TempDir(), "camera.mjpeg")
	if err := os.WriteFile(video, mjpeg, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"yolo", "voc"} {
		out := filepath.Join(t.TempDir(), format)
		mustRunCLI(t, "label", "--data", "mjpeg:"+video, "--out", out, "--format", format, "--classes", "star,circle",
			"--flip", "--threads", "2", "--quiet")
		ds, err := dataset.Load(out, dataset.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ds.Classes, []string{"star", "circle"}) || len(ds.Samples) != len(files) {
			t.Fatalf("%s: classes %v, %d images", format, ds.Classes, len(ds.Samples))
		}
		if base := filepath.Base(ds.Samples[0].ImagePath); base != "frame_000000.jpg" {
			t.Fatalf("%s: first image %s", format, base)
		}
		// The annotations are the records' star and circle boxes, renumbered.
		for _, s := range ds.Samples {
			var rec frameRecord
			raw, err := os.ReadFile(filepath.Join(out, teacherDir, filepath.Base(s.ImagePath)+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatal(err)
			}
			var want []dataset.Object
			for _, d := range rec.Detections {
				if c := slices.Index(ds.Classes, d.Label); c >= 0 {
					want = append(want, dataset.Object{Box: d.Box, Class: c})
				}
			}
			if len(want) != len(s.Boxes) {
				t.Fatalf("%s %s: %d boxes, the teacher's record has %d star/circle ones", format, s.ImagePath, len(s.Boxes), len(want))
			}
			for i, o := range s.Boxes {
				if o.Class != want[i].Class || !boxNear(o.Box, want[i].Box, 0.01) {
					t.Fatalf("%s %s: box %d %v class %d, want %v class %d", format, s.ImagePath, i, o.Box, o.Class, want[i].Box, want[i].Class)
				}
			}
		}
	}
}

func boxNear(a, b [4]float32, tol float32) bool {
	for i := range a {
		if d := a[i] - b[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

func TestLabelBadFlags(t *testing.T) {
	frames := labelFrames(t, 1, 64, 23)
	out := filepath.Join(t.TempDir(), "x")
	expectFailure(t, 2, []string{"--classes", `no class "person"`, "circle"}, "label", "--data", frames, "--out", out, "--classes", "person")
	expectFailure(t, 2, []string{"--format"}, "label", "--data", frames, "--out", out, "--format", "csv")
	expectFailure(t, 2, []string{"finite source"}, "label", "--data", "testsrc:64x64", "--out", out)
	expectFailure(t, 2, []string{"--data FRAMES and --out DATASET are required"}, "label", "--out", out)
}

func TestFuseViews(t *testing.T) {
	a := detect.Detection{Class: 1, Score: 0.8, Box: [4]float32{10, 10, 50, 50}}
	b := detect.Detection{Class: 1, Score: 0.6, Box: [4]float32{12, 10, 52, 50}}
	lone := detect.Detection{Class: 2, Score: 0.9, Box: [4]float32{100, 100, 120, 120}}
	got := fuse(fuseWBF, [2][]detect.Detection{{a, lone}, {b}}, 0.3, 0.5)
	if len(got) != 2 {
		t.Fatalf("wbf: %v", got)
	}
	// Fused: corners weighted by score (0.8*10+0.6*12)/1.4, score the mean.
	if got[0].Class != 1 || !boxNear(got[0].Box, [4]float32{(0.8*10 + 0.6*12) / 1.4, 10, (0.8*50 + 0.6*52) / 1.4, 50}, 1e-4) ||
		got[0].Score < 0.6999 || got[0].Score > 0.7001 {
		t.Fatalf("wbf fused %+v", got[0])
	}
	// Found in one view only: half its score.
	if got[1].Class != 2 || got[1].Score != 0.45 || got[1].Box != lone.Box {
		t.Fatalf("wbf lone %+v", got[1])
	}
	if got := fuse(fuseWBF, [2][]detect.Detection{{a, lone}, {b}}, 0.5, 0.5); len(got) != 1 {
		t.Fatalf("wbf at threshold 0.5 kept %v", got)
	}
	got = fuse(fuseNMS, [2][]detect.Detection{{a, lone}, {b}}, 0.3, 0.5)
	if len(got) != 2 || got[0] != lone || got[1] != a {
		t.Fatalf("nms: %v", got)
	}
}
