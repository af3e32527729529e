package events

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// StoreOptions configure a SnapshotStore.
type StoreOptions struct {
	// Dir is where each event's best JPEG is kept as <event id>.jpg
	// (--snapshots); empty keeps snapshots in memory only.
	Dir string
	// MaxFiles and MaxBytes cap the folder; the oldest events' files go
	// first. Defaults 1000 files and 200 MB.
	MaxFiles int
	MaxBytes int64
	// Memory is how many recent snapshots are also kept in memory, for
	// /events/ID/snapshot.jpg without a disk read. Default 50.
	Memory int
}

// Store defaults.
const (
	DefaultMaxFiles      = 1000
	DefaultMaxBytes      = 200 << 20
	DefaultMemory        = 50
	snapshotExt          = ".jpg"
	tempPrefix           = ".snapshot-"
	maxSnapshotIDLength  = 128
	snapshotWriteFailing = "snapshots: cannot write to %s: %v (events go on; snapshots are kept in memory only until it works again)"
)

// SnapshotStore keeps each event's best snapshot: on disk under a count
// and size cap (oldest removed first, the cap holding across restarts) and
// the recent ones in memory. Safe for concurrent use: the stream saves,
// the HTTP server reads.
type SnapshotStore struct {
	opts    StoreOptions
	diskMu  sync.Mutex   // one disk write at a time
	mu      sync.Mutex   // the fields below
	files   []storedFile // on disk, oldest first
	bytes   int64        // their total size
	mem     []memSnap    // ring of recent snapshots
	memNext int
	failing bool // the last disk write failed
}

type storedFile struct {
	id   string
	size int64
}

type memSnap struct {
	id   string
	jpeg []byte
}

// OpenSnapshotStore creates opts.Dir if needed, loads what is already there
// (so the caps count earlier runs' files), removes what a crash left half
// written, and trims to the caps.
func OpenSnapshotStore(opts StoreOptions) (*SnapshotStore, error) {
	if opts.MaxFiles == 0 {
		opts.MaxFiles = DefaultMaxFiles
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Memory == 0 {
		opts.Memory = DefaultMemory
	}
	if opts.MaxFiles < 0 || opts.MaxBytes < 0 || opts.Memory < 0 {
		return nil, fmt.Errorf("snapshots: caps %d files, %d bytes, %d in memory: want positive numbers", opts.MaxFiles, opts.MaxBytes, opts.Memory)
	}
	s := &SnapshotStore{opts: opts, mem: make([]memSnap, opts.Memory)}
	if opts.Dir == "" {
		return s, nil
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshots: cannot create the folder: %w (give --snapshots a writable folder)", err)
	}
	entries, err := os.ReadDir(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	type found struct {
		storedFile
		mod int64
	}
	var have []found
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, tempPrefix) {
			os.Remove(filepath.Join(opts.Dir, name)) // a write cut short by a crash
			continue
		}
		id, ok := strings.CutSuffix(name, snapshotExt)
		if !ok || !e.Type().IsRegular() || ValidSnapshotID(id) != nil {
			continue // not ours: leave it alone
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		have = append(have, found{storedFile{id, info.Size()}, info.ModTime().UnixNano()})
	}
	sort.Slice(have, func(i, j int) bool {
		if have[i].mod != have[j].mod {
			return have[i].mod < have[j].mod
		}
		return have[i].id < have[j].id
	})
	for _, f := range have {
		s.files = append(s.files, f.storedFile)
		s.bytes += f.size
	}
	if err := s.trim(""); err != nil {
		return nil, fmt.Errorf("snapshots: %s: %w", opts.Dir, err)
	}
	return s, nil
}

// ValidSnapshotID checks that an id can name a file in the folder (event
// ids are START_MS-TRACK; a URL may carry anything).
func ValidSnapshotID(id string) error {
	if id == "" || len(id) > maxSnapshotIDLength || id[0] == '.' {
		return fmt.Errorf("snapshot id %q: want 1..%d letters, digits, '-', '_' or '.' not starting with '.'", id, maxSnapshotIDLength)
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("snapshot id %q: want only letters, digits, '-', '_' or '.'", id)
		}
	}
	return nil
}

// Save keeps jpeg (copied) as the snapshot of event id, replacing an
// earlier one of the same event. err is this save's failure (the snapshot
// is still kept in memory); change is non-empty exactly when the disk went
// from working to failing or back: the one line to log.
func (s *SnapshotStore) Save(id string, jpeg []byte) (change string, err error) {
	if err := ValidSnapshotID(id); err != nil {
		return "", fmt.Errorf("snapshots: %w", err)
	}
	s.mu.Lock()
	s.remember(id, jpeg)
	s.mu.Unlock()
	if s.opts.Dir == "" {
		return "", nil
	}
	// Disk writes take turns on their own lock, so that readers of the
	// memory (the HTTP server) never wait for an fsync.
	s.diskMu.Lock()
	defer s.diskMu.Unlock()
	err = s.write(id, jpeg)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.account(id, int64(len(jpeg)))
		err = s.trim(id)
	}
	switch {
	case err != nil && !s.failing:
		s.failing = true
		return fmt.Sprintf(snapshotWriteFailing, s.opts.Dir, unwrapPath(err)), err
	case err == nil && s.failing:
		s.failing = false
		return fmt.Sprintf("snapshots: writing to %s again", s.opts.Dir), nil
	}
	return "", err
}

// unwrapPath drops the temp file's name from an *fs.PathError, for a log
// line that reads the same for every failing save.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// remember puts a copy in the memory ring, reusing the evicted buffer.
func (s *SnapshotStore) remember(id string, jpeg []byte) {
	if len(s.mem) == 0 {
		return
	}
	slot := -1
	for i := range s.mem {
		if s.mem[i].id == id {
			slot = i
		}
	}
	if slot < 0 {
		slot = s.memNext
		s.memNext = (s.memNext + 1) % len(s.mem)
	}
	m := &s.mem[slot]
	m.id = id
	m.jpeg = append(m.jpeg[:0], jpeg...)
}

// write puts the file in place atomically: a temp file in the same folder,
// synced, renamed over the old one, and the folder synced.
func (s *SnapshotStore) write(id string, jpeg []byte) error {
	f, err := os.CreateTemp(s.opts.Dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(jpeg)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(s.opts.Dir, id+snapshotExt))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, err := os.Open(s.opts.Dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// account counts a file written (or rewritten) in the folder.
func (s *SnapshotStore) account(id string, size int64) {
	for i := range s.files {
		if s.files[i].id == id {
			s.bytes += size - s.files[i].size
			s.files[i].size = size
			return
		}
	}
	s.files = append(s.files, storedFile{id, size})
	s.bytes += size
}

// trim removes the oldest files until the caps hold, sparing keep (the
// file just written); a snapshot alone over the byte cap is an error.
func (s *SnapshotStore) trim(keep string) error {
	for len(s.files) > s.opts.MaxFiles || s.bytes > s.opts.MaxBytes {
		victim := 0
		if s.files[0].id == keep {
			if len(s.files) == 1 {
				size := s.files[0].size
				if err := s.remove(0); err != nil {
					return err
				}
				return fmt.Errorf("a snapshot of %d bytes is over the %d-byte cap: raise the cap", size, s.opts.MaxBytes)
			}
			victim = 1
		}
		if err := s.remove(victim); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes file i; one that cannot be deleted stays counted (the
// next trim tries again).
func (s *SnapshotStore) remove(i int) error {
	f := s.files[i]
	if err := os.Remove(filepath.Join(s.opts.Dir, f.id+snapshotExt)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the oldest snapshot to stay under the cap: %w", err)
	}
	s.bytes -= f.size
	s.files = append(s.files[:i], s.files[i+1:]...)
	return nil
}

// Get returns an event's snapshot from memory or the folder.
func (s *SnapshotStore) Get(id string) ([]byte, bool) {
	if ValidSnapshotID(id) != nil {
		return nil, false
	}
	s.mu.Lock()
	for _, m := range s.mem {
		if m.id == id {
			out := append([]byte(nil), m.jpeg...)
			s.mu.Unlock()
			return out, true
		}
	}
	s.mu.Unlock()
	if s.opts.Dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(s.opts.Dir, id+snapshotExt))
	return b, err == nil
}

// Usage returns the files and bytes in the folder now.
func (s *SnapshotStore) Usage() (files int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files), s.bytes
}
