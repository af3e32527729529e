package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/atomicfile"
)

// TestLabelSurvivesKill SIGKILLs `retina label` once some frames have their
// records, then runs it again: no record or frame is left half written
// (every record in teacher/ parses), the second run reuses what the first
// finished and the dataset is the one an uninterrupted run writes.
func TestLabelSurvivesKill(t *testing.T) {
	frames := labelFrames(t, 12, 128, 25)
	ref := filepath.Join(t.TempDir(), "ref")
	mustRunCLI(t, "label", "--data", frames, "--out", ref, "--threads", "1", "--quiet")

	out := filepath.Join(t.TempDir(), "killed")
	args := []string{"label", "--data", frames, "--out", out, "--threads", "1", "--quiet"}
	cmd, _, _ := retinaProcess(t, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	records := filepath.Join(out, teacherDir)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ents, _ := os.ReadDir(records)
		done := 0
		for _, e := range ents {
			if !strings.HasPrefix(e.Name(), ".") {
				done++
			}
		}
		if done >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	ents, err := os.ReadDir(records)
	if err != nil {
		t.Fatal(err)
	}
	finished := 0
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix("")[:1]) {
			continue // a temporary file the kill cut short: never read
		}
		var rec frameRecord
		raw, err := os.ReadFile(filepath.Join(records, e.Name()))
		if err != nil || json.Unmarshal(raw, &rec) != nil || rec.Width != 128 {
			t.Fatalf("record %s after the kill: %v, %q", e.Name(), err, raw)
		}
		finished++
	}
	if finished == 0 || finished == 12 {
		t.Fatalf("%d of 12 frames had records when killed: the kill did not land mid-run", finished)
	}
	stdout := mustRunCLI(t, args...)
	if strings.Contains(stdout, "(0 labelled by a previous run)") {
		t.Fatalf("the second run reused nothing: %q", stdout)
	}
	for _, f := range []string{"annotations.json", "teacher_scores.json", "teacher_detections.json"} {
		a, _ := os.ReadFile(filepath.Join(ref, f))
		b, _ := os.ReadFile(filepath.Join(out, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Fatalf("the resumed run's %s differs from an uninterrupted run's", f)
		}
	}
}
