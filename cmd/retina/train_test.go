package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net/synth"
)

// trainSynth makes a tiny VOC training set (8 images of 64 x 64).
func trainSynth(t *testing.T, seed int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := synth.Generate(dir, synth.Options{N: 8, Size: 64, Seed: seed, Format: "voc"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTrainEndToEnd(t *testing.T) {
	data, val := trainSynth(t, 1), trainSynth(t, 2)
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := runCLI("train", "--data", data, "--val", val, "--epochs", "2", "--batch", "4",
		"--size", "64", "--threads", "2", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "epoch 2/2 step 4") || !strings.Contains(stdout, "val AP") {
		t.Fatalf("stdout %q", stdout)
	}
	for _, f := range []string{"model.safetensors", "checkpoint.safetensors", "resume.safetensors", "train.csv", "train.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatal(err)
		}
	}
	// detect loads the model.
	img := filepath.Join(data, "JPEGImages")
	ents, err := os.ReadDir(img)
	if err != nil || len(ents) == 0 {
		t.Fatalf("no images in %s: %v", img, err)
	}
	code, stdout, stderr = runCLI("detect", "--model", filepath.Join(out, "model.safetensors"), "--json", filepath.Join(img, ents[0].Name()))
	if code != 0 || !strings.HasPrefix(stdout, "{") {
		t.Fatalf("detect with the trained model: exit %d, %q %q", code, stdout, stderr)
	}
	// The run is finished: resuming it only rewrites the final model.
	code, stdout, stderr = runCLI("train", "--resume", out, "--threads", "1", "--quiet")
	if code != 0 || !strings.Contains(stdout, "(4 steps") {
		t.Fatalf("resume of a finished run: exit %d, %q %q", code, stdout, stderr)
	}
}

func TestTrainResumeContinues(t *testing.T) {
	data := trainSynth(t, 3)
	out := filepath.Join(t.TempDir(), "run")
	// A one-epoch run's checkpoint, resumed: the run's own settings go on.
	code, _, stderr := runCLI("train", "--data", data, "--epochs", "1", "--batch", "8", "--size", "64",
		"--optimizer", "adamw", "--threads", "1", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	expectFailure(t, 2, []string{"--resume", "--lr"}, "train", "--resume", out, "--lr", "0.1")
	expectFailure(t, 2, []string{"differs"}, "train", "--resume", out, "--out", filepath.Join(out, "other"))
	expectFailure(t, 1, []string{"no checkpoint"}, "train", "--resume", t.TempDir())
}

func TestTrainBadFlags(t *testing.T) {
	data := trainSynth(t, 4)
	out := filepath.Join(t.TempDir(), "run")
	expectFailure(t, 2, []string{"--data and --out"}, "train", "--out", out)
	expectFailure(t, 2, []string{"--epochs"}, "train", "--data", data, "--out", out, "--epochs", "0")
	expectFailure(t, 2, []string{"--batch"}, "train", "--data", data, "--out", out, "--batch", "0")
	expectFailure(t, 2, []string{"--optimizer"}, "train", "--data", data, "--out", out, "--optimizer", "rmsprop")
	expectFailure(t, 2, []string{"--size"}, "train", "--data", data, "--out", out, "--size", "8")
	expectFailure(t, 2, []string{"--backbone", "vgg"}, "train", "--data", data, "--out", out, "--backbone", "vgg")
	expectFailure(t, 2, []string{"--model and --import"}, "train", "--data", data, "--out", out, "--model", "a", "--import", "b")
	expectFailure(t, 2, []string{"--format"}, "train", "--data", data, "--out", out, "--format", "csv")
	expectFailure(t, 1, []string{"nowhere"}, "train", "--data", filepath.Join(data, "nowhere"), "--out", out)
	expectFailure(t, 1, []string{"missing.safetensors"}, "train", "--data", data, "--out", out, "--model", filepath.Join(data, "missing.safetensors"))
	// A bad annotation is reported with its file.
	ann := filepath.Join(data, "Annotations")
	ents, _ := os.ReadDir(ann)
	bad := filepath.Join(ann, ents[0].Name())
	os.WriteFile(bad, []byte("<annotation><size><width>64</width><height>64</height></size><object><name>circle</name><bndbox><xmin>50</xmin><ymin>1</ymin><xmax>10</xmax><ymax>9</ymax></bndbox></object></annotation>"), 0o644)
	expectFailure(t, 1, []string{ents[0].Name()}, "train", "--data", data, "--out", out)
}
