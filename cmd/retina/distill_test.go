package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/model"
)

// TestDistillClassesResumeInt8: a distilled student of a class subset is
// named by that subset (float and int8), its detections carry only those
// names, and running the same command again reuses the labels and the
// finished training.
func TestDistillClassesResumeInt8(t *testing.T) {
	frames := labelFrames(t, 6, 128, 24)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"distill", "--frames", frames, "--out", out, "--classes", "star,circle", "--student", "edge",
		"--size", "64", "--epochs", "2", "--batch", "3", "--int8", "--calib-n", "2", "--threads", "2", "--quiet"}
	stdout := mustRunCLI(t, args...)
	for _, want := range []string{"labelled 6 frames (0 labelled by a previous run)", "classes star, circle",
		"epoch 2/2 step 4", "wrote " + filepath.Join(out, "student_int8.safetensors")} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	// The run's training used the teacher's scores.
	ck, err := os.ReadFile(filepath.Join(out, "train", "train.csv"))
	if err != nil || len(ck) == 0 {
		t.Fatalf("train.csv: %v", err)
	}
	for _, file := range []string{filepath.Join(out, "train", "model.safetensors"), filepath.Join(out, "student_int8.safetensors")} {
		m, err := model.LoadFile(file, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Config().Labels; !slices.Equal(got, []string{"star", "circle"}) {
			t.Fatalf("%s: labels %v", file, got)
		}
		m.Close()
		img := filepath.Join(out, "labels", "images", "000000.jpg")
		line := mustRunCLI(t, "detect", "--model", file, "--json", "--score-threshold", "0", "--max-detections", "20", img)
		var r imageResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Detections) == 0 {
			t.Fatalf("%s: no detections at threshold 0", file)
		}
		for _, d := range r.Detections {
			if want := []string{"star", "circle"}[d.Class]; d.Label != want {
				t.Fatalf("%s: detection of class %d labelled %q, want %q", file, d.Class, d.Label, want)
			}
		}
	}
	// Again: labels reused, the finished training only rewrites its model.
	stdout = mustRunCLI(t, args...)
	for _, want := range []string{"(6 labelled by a previous run)", "continuing the student's training", "(4 steps"} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("second run's stdout lacks %q:\n%s", want, stdout)
		}
	}
}

func TestDistillBadFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x")
	expectFailure(t, 2, []string{"--frames FRAMES and --out DIR are required"}, "distill", "--out", out)
	expectFailure(t, 2, []string{"--backbone-weights initialises a --student resnet18"}, "distill", "--frames", "x", "--out", out, "--backbone-weights", "r.pth")
}
