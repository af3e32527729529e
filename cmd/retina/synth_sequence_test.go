package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// synth --sequence writes the frames and a MOTChallenge gt.txt; bad sizes
// are refused with a message naming the flag's value.
func TestSynthSequence(t *testing.T) {
	out := filepath.Join(t.TempDir(), "seq")
	code, stdout, stderr := runCLI("synth", "--sequence", "4", "--out", out, "--size", "96", "--max-objects", "2", "--occluders", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote 4 frames") {
		t.Fatalf("stdout %q", stdout)
	}
	gt, err := os.ReadFile(filepath.Join(out, "gt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(gt)), "\n") {
		f := strings.Split(line, ",")
		if len(f) != 9 {
			t.Fatalf("gt.txt line %q: want 9 fields", line)
		}
		ids[f[1]] = true
	}
	if len(ids) != 2 {
		t.Fatalf("gt.txt has ids %v, want 2 objects", ids)
	}
	if _, err := os.Stat(filepath.Join(out, "frame_0004.jpg")); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI("synth", "--sequence", "4", "--out", filepath.Join(t.TempDir(), "x"), "--size", "20")
	if code == 0 || !strings.Contains(stderr, "size 20") {
		t.Fatalf("--size 20: exit %d, %s", code, stderr)
	}
}
