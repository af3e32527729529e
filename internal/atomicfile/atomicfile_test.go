//go:build unix

package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteReplacesAndFollowsUmask(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.png")
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	for i, content := range []string{"first", "second"} {
		write := Write
		if i == 1 {
			write = WriteDurable
		}
		if err := write(path, func(w io.Writer) error { _, err := io.WriteString(w, content); return err }); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Fatalf("read %q, %v; want %q", got, err, content)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o640 {
		t.Errorf("mode %o under umask 027, want 640", mode)
	}
	syscall.Umask(0o022)
	WriteBytes(path, nil)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %o under umask 022, want 644", st.Mode().Perm())
	}
	assertOnly(t, dir, "a.png")
}

func TestWriteFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := WriteBytes(path, []byte("good")); err != nil {
		t.Fatal(err)
	}
	err := Write(path, func(w io.Writer) error {
		w.Write([]byte("half"))
		return errors.New("disk on fire")
	})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error %v does not name the file and the cause", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "good" {
		t.Errorf("old file became %q", got)
	}
	assertOnly(t, dir, "model.safetensors")
	err = WriteBytes(filepath.Join(dir, "missing", "x"), nil)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "missing", "x")) {
		t.Errorf("write into a missing folder: %v", err)
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("folder holds %q, want %q", got, names)
	}
}
