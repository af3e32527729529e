package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputCorpus runs every file of testdata/bad through the command that
// reads its kind: each ends in exit 1 and one stderr line naming the file,
// never a panic, and no output file is left behind.
func TestBadInputCorpus(t *testing.T) {
	entries, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 8 {
		t.Fatalf("testdata/bad has %d files", len(entries))
	}
	for _, e := range entries {
		path := filepath.Join(badDir, e.Name())
		out := filepath.Join(t.TempDir(), "out.safetensors")
		var args []string
		switch filepath.Ext(e.Name()) {
		case ".pth":
			args = []string{"import", path, out}
		case ".safetensors":
			args = []string{"detect", "--model", path, astronaut}
		default:
			args = []string{"detect", "--model", tinyModel, path}
		}
		code, stdout, stderr := runCLI(args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || len(lines) != 1 || !strings.Contains(stderr, e.Name()) || strings.Contains(stderr, "goroutine") {
			t.Errorf("retina %v: exit %d, stdout %q, stderr %q: want exit 1 and one line naming the file", args, code, stdout, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("retina %v left %s behind", args, out)
		}
	}
	if _, err := os.Stat("/tmp/retina-pwned"); err == nil {
		t.Fatal("the hostile pickle ran a command")
	}
}
