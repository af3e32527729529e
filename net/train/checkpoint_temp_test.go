package train

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestOpenLogRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	stale := []string{".resume.safetensors.tmp-123", ".checkpoint.safetensors.tmp-9", ".model.safetensors.tmp-1",
		".train.csv.tmp-77", ".train.png.tmp-5"}
	kept := []string{"resume.safetensors", ".other.tmp-1", "notes.txt", ".resume.safetensors.bak"}
	for _, n := range append(slices.Clone(stale), kept...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l, err := openLog(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	l.close()
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	slices.Sort(left)
	want := slices.Clone(kept)
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Fatalf("left %v, want %v (a fresh run without rows writes no log)", left, want)
	}
}
