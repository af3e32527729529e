package events

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

func openStore(t *testing.T, opts StoreOptions) *SnapshotStore {
	t.Helper()
	s, err := OpenSnapshotStore(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func jpegOf(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }

func TestSnapshotStoreSavesAtomicallyAndReplaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snaps")
	s := openStore(t, StoreOptions{Dir: dir})
	buf := jpegOf(100, 1)
	if _, err := s.Save("1000-1", buf); err != nil {
		t.Fatal(err)
	}
	buf[0] = 9 // the caller reuses its buffer: the store has its own copy
	if _, err := s.Save("1000-1", jpegOf(50, 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save("1001-2", jpegOf(70, 3)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listDir(t, dir), " "); got != "1000-1.jpg 1001-2.jpg" {
		t.Fatalf("folder holds %s", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "1000-1.jpg")); !bytes.Equal(b, jpegOf(50, 2)) {
		t.Fatalf("1000-1.jpg is not the newer snapshot")
	}
	if n, size := s.Usage(); n != 2 || size != 120 {
		t.Fatalf("usage %d files %d bytes, want 2, 120", n, size)
	}
	if b, ok := s.Get("1001-2"); !ok || !bytes.Equal(b, jpegOf(70, 3)) {
		t.Fatal("Get 1001-2 from memory")
	}
	for _, bad := range []string{"../x", "", ".hidden", "a/b"} {
		if _, err := s.Save(bad, buf); err == nil {
			t.Errorf("id %q accepted", bad)
		}
		if _, ok := s.Get(bad); ok {
			t.Errorf("Get %q found something", bad)
		}
	}
}

func TestSnapshotStoreCapsOldestFirstAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, StoreOptions{Dir: dir, MaxFiles: 3, Memory: 1})
	for i, id := range []string{"1-1", "2-2", "3-3"} {
		if _, err := s.Save(id, jpegOf(10, byte(i))); err != nil {
			t.Fatal(err)
		}
		// Distinct modification times, as files saved seconds apart have.
		os.Chtimes(filepath.Join(dir, id+".jpg"), time.Now(), time.Unix(int64(1000+i), 0))
	}
	// A restart: what is there counts towards the cap; the oldest goes.
	os.WriteFile(filepath.Join(dir, ".snapshot-12345"), []byte("half"), 0o644) // a crash's leftover
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not ours"), 0o644)
	s = openStore(t, StoreOptions{Dir: dir, MaxFiles: 3, Memory: 1})
	if _, err := s.Save("4-4", jpegOf(10, 4)); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listDir(t, dir), " "); got != "2-2.jpg 3-3.jpg 4-4.jpg notes.txt" {
		t.Fatalf("folder holds %s", got)
	}
	// Older ones come from disk when no longer in memory.
	if b, ok := s.Get("2-2"); !ok || !bytes.Equal(b, jpegOf(10, 1)) {
		t.Fatal("Get 2-2 from disk")
	}
	// The byte cap: 25 bytes hold two 10-byte files.
	s = openStore(t, StoreOptions{Dir: dir, MaxBytes: 25})
	if got := strings.Join(listDir(t, dir), " "); got != "3-3.jpg 4-4.jpg notes.txt" {
		t.Fatalf("after reopening with a 25-byte cap the folder holds %s", got)
	}
	// A snapshot alone over the cap is refused, with one log line.
	change, err := s.Save("5-5", jpegOf(30, 5))
	if err == nil || !strings.Contains(err.Error(), "over the 25-byte cap") || !strings.Contains(change, "cannot write") {
		t.Fatalf("change %q err %v", change, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "5-5.jpg")); err == nil {
		t.Fatal("the oversized snapshot was left on disk")
	}
	if _, ok := s.Get("5-5"); !ok {
		t.Fatal("the oversized snapshot is not even in memory")
	}
}

// The folder becomes unusable mid-run (a file where it should be): each
// save fails, the state change is reported once, and once on recovery.
func TestSnapshotStoreUnwritableFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "snaps")
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenSnapshotStore(StoreOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), "writable folder") {
		t.Fatalf("open over a file: %v", err)
	}
	os.Remove(dir)
	s := openStore(t, StoreOptions{Dir: dir})
	os.RemoveAll(dir)
	os.WriteFile(dir, nil, 0o644)
	var changes []string
	for i := 0; i < 3; i++ {
		change, err := s.Save("7-1", jpegOf(10, 1))
		if err == nil {
			t.Fatal("saved into a file")
		}
		if change != "" {
			changes = append(changes, change)
		}
	}
	if len(changes) != 1 || !strings.Contains(changes[0], "cannot write to "+dir) || !strings.Contains(changes[0], "not a directory") {
		t.Fatalf("log lines %q, want one saying the folder is not a directory", changes)
	}
	if _, ok := s.Get("7-1"); !ok {
		t.Fatal("the snapshot is not kept in memory")
	}
	os.Remove(dir)
	os.Mkdir(dir, 0o755)
	change, err := s.Save("7-1", jpegOf(10, 1))
	if err != nil || !strings.Contains(change, "again") {
		t.Fatalf("after recovery: change %q err %v", change, err)
	}
}

// A real full disk: a 64 KiB tmpfs (needs root and mount; skipped otherwise).
func TestSnapshotStoreDiskFull(t *testing.T) {
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tiny tmpfs needs root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	s := openStore(t, StoreOptions{Dir: dir})
	var changes []string
	var lastErr error
	for i := 0; i < 6; i++ {
		change, err := s.Save("9-"+string(rune('0'+i)), jpegOf(20<<10, 1))
		if change != "" {
			changes = append(changes, change)
		}
		lastErr = err
	}
	if lastErr == nil || len(changes) != 1 || !strings.Contains(changes[0], "no space left on device") {
		t.Fatalf("log lines %q, last error %v: want one line about the full disk", changes, lastErr)
	}
	for _, name := range listDir(t, dir) {
		if strings.HasPrefix(name, ".snapshot-") {
			t.Fatalf("a temp file was left behind: %s", name)
		}
	}
	if n, size := s.Usage(); size > 64<<10 || n > 3 {
		t.Fatalf("usage %d files %d bytes on a 64 KiB disk", n, size)
	}
}

func TestSnapshotStoreMemoryOnly(t *testing.T) {
	s := openStore(t, StoreOptions{Memory: 2})
	for i, id := range []string{"1-1", "2-2", "3-3"} {
		if change, err := s.Save(id, jpegOf(5, byte(i))); err != nil || change != "" {
			t.Fatal(change, err)
		}
	}
	if _, ok := s.Get("1-1"); ok {
		t.Fatal("the oldest of three is still in a memory of two")
	}
	if b, ok := s.Get("3-3"); !ok || b[0] != 2 {
		t.Fatal("3-3 missing")
	}
}

// The stream saves while the HTTP server reads (run with -race); the caps
// hold at the end.
func TestSnapshotStoreConcurrent(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, StoreOptions{Dir: dir, MaxFiles: 5, Memory: 3})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 40; i++ {
			s.Save(fmt.Sprintf("%d-1", 1000+i), jpegOf(10+i, byte(i)))
		}
	}()
	for i := 0; i < 200; i++ {
		s.Get(fmt.Sprintf("%d-1", 1000+i%40))
		s.Usage()
	}
	<-done
	if n, _ := s.Usage(); n != 5 || len(listDir(t, dir)) != 5 {
		t.Fatalf("%d files counted, %v on disk; want 5", n, listDir(t, dir))
	}
	if b, ok := s.Get("1039-1"); !ok || len(b) != 49 {
		t.Fatal("the newest snapshot is missing")
	}
}
