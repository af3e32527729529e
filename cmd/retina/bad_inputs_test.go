package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badInputArgs is the command line that reads a testdata/bad entry, by kind:
// checkpoints are imported, model files and images detected (an image with
// drawings written to out), datasets (.json, .yaml and folders) trained on
// into out. It returns false for entries that are not inputs.
func badInputArgs(e os.DirEntry, path, out string) ([]string, bool) {
	if e.IsDir() {
		return []string{"train", "--data", path, "--epochs", "1", "--quiet", "--out", out}, true
	}
	switch filepath.Ext(e.Name()) {
	case ".md":
		return nil, false
	case ".pth":
		return []string{"import", path, out}, true
	case ".safetensors":
		return []string{"detect", "--model", path, astronaut}, true
	case ".json", ".yaml":
		return []string{"train", "--data", path, "--epochs", "1", "--quiet", "--out", out}, true
	}
	return []string{"detect", "--model", tinyModel, "--out", out, path}, true
}

// TestBadInputCorpus runs every entry of testdata/bad (see its README.md)
// through the command that reads its kind: each ends in exit 1 and one
// stderr line naming the file, never a panic, and no output file is left
// behind (an output folder made up front may stay, empty).
func TestBadInputCorpus(t *testing.T) {
	entries, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 60 {
		t.Fatalf("testdata/bad has %d entries", len(entries))
	}
	for _, e := range entries {
		path := filepath.Join(badDir, e.Name())
		out := filepath.Join(t.TempDir(), "out")
		args, ok := badInputArgs(e, path, out)
		if !ok {
			continue
		}
		code, stdout, stderr := runCLI(args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(stderr, e.Name()) || strings.Contains(stderr, "goroutine") {
			t.Errorf("retina %v: exit %d, stdout %q, stderr %q: want exit 1 and one line naming the file", args, code, stdout, stderr)
		}
		if left := outputsIn(out); len(left) > 0 {
			t.Errorf("retina %v left %v behind", args, left)
		}
	}
	if _, err := os.Stat("/tmp/retina-pwned"); err == nil {
		t.Fatal("a hostile pickle ran a command")
	}
}

// outputsIn lists what path holds: itself when it is a file, its entries
// when it is a folder, nothing when it does not exist.
func outputsIn(path string) []string {
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	if !st.IsDir() {
		return []string{path}
	}
	entries, _ := os.ReadDir(path)
	var names []string
	for _, e := range entries {
		names = append(names, filepath.Join(path, e.Name()))
	}
	return names
}
