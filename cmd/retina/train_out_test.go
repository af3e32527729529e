package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// folderState is each file's bytes and modification time.
func folderState(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		state[e.Name()] = st.ModTime().String() + "\x00" + string(data)
	}
	return state
}

// TestTrainValSplitAndExistingRun: --val-split validates on part of --data;
// a second run into the finished run's folder is refused and leaves every
// file as it was, byte for byte and time for time; --force replaces it.
func TestTrainValSplitAndExistingRun(t *testing.T) {
	data := trainSynth(t, 5)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "--data", data, "--epochs", "1", "--batch", "4", "--size", "64", "--threads", "1", "--out", out, "--quiet"}
	code, stdout, stderr := runCLI(append(args, "--val-split", "0.25")...)
	if code != 0 || !strings.Contains(stdout, "epoch 1/1 step 2 ") || !strings.Contains(stdout, "val AP") {
		t.Fatalf("--val-split 0.25 of 8 images (6 to train on: 2 steps of 4): exit %d, %q %q", code, stdout, stderr)
	}
	// Back-date the files, so that a rewrite within the same second shows.
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		os.Chtimes(filepath.Join(out, e.Name()), past, past)
	}
	before := folderState(t, out)
	for _, f := range []string{"model.safetensors", "resume.safetensors", "train.csv"} {
		if _, ok := before[f]; !ok {
			t.Fatalf("the finished run has no %s: %v", f, ents)
		}
	}
	expectFailure(t, 1, []string{"--out " + out + " already holds a training run (model.safetensors, checkpoint.safetensors, resume.safetensors, train.csv, train.png)",
		"--resume " + out, "--force"}, args...)
	// A --force run that fails before training (no such data) deletes nothing.
	bad := append([]string{}, args...)
	bad[2] = filepath.Join(data, "nowhere")
	expectFailure(t, 1, []string{"nowhere"}, append(bad, "--force")...)
	after := folderState(t, out)
	if len(after) != len(before) {
		t.Fatalf("the folder changed: %d files, then %d", len(before), len(after))
	}
	for name, s := range before {
		if after[name] != s {
			t.Errorf("%s changed", name)
		}
	}
	code, _, stderr = runCLI(append(args, "--force")...)
	if code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	// The new run's files, not the old ones: a fresh model, and a log of
	// its two steps without the old run's validation row.
	if st, err := os.Stat(filepath.Join(out, "model.safetensors")); err != nil || !st.ModTime().After(past) {
		t.Errorf("--force left the old model: %v", err)
	}
	log, err := os.ReadFile(filepath.Join(out, "train.csv"))
	if lines := strings.Count(string(log), "\n"); err != nil || lines != 3 {
		t.Errorf("--force run's log has %d lines, want a header and 2 steps: %q", lines, log)
	}
}

// TestRefuseExistingRunNeedsACheckpointOrModel: a log alone (a run stopped
// before its first checkpoint) has nothing to continue or lose.
func TestRefuseExistingRunNeedsACheckpointOrModel(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "train.csv"), []byte("epoch,step\n"), 0o644)
	if err := refuseExistingRun(dir); err != nil {
		t.Errorf("a log alone: %v", err)
	}
	for _, f := range []string{"resume.safetensors", "checkpoint.safetensors", "model.safetensors"} {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, f), nil, 0o644)
		if err := refuseExistingRun(d); err == nil || !strings.Contains(err.Error(), "("+f+")") {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := refuseExistingRun(filepath.Join(dir, "new")); err != nil {
		t.Errorf("a new folder: %v", err)
	}
}
