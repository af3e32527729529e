package main

import (
	"bytes"
	"sync"

	"github.com/retina-edge/retina/events"
)

// snapshotQueue is how many snapshots may wait for the disk; past it new
// ones are dropped (logged once), so a slow SD card never holds up the
// pipeline.
const snapshotQueue = 16

// asyncSnapshots hands the pipeline's snapshots to an events.SnapshotStore
// on a goroutine of its own (the store writes and syncs files) and logs
// each change of state the store reports, not every failure. It is a
// stream.SnapshotSaver.
type asyncSnapshots struct {
	store *events.SnapshotStore
	logf  func(format string, args ...any)
	jobs  chan snapshotJob
	done  sync.WaitGroup

	mu   sync.Mutex
	full bool // the last snapshot was dropped for a full queue
}

type snapshotJob struct {
	id   string
	jpeg []byte
}

func newAsyncSnapshots(store *events.SnapshotStore, logf func(format string, args ...any)) *asyncSnapshots {
	a := &asyncSnapshots{store: store, logf: logf, jobs: make(chan snapshotJob, snapshotQueue)}
	a.done.Go(func() {
		for j := range a.jobs {
			if change, _ := a.store.Save(j.id, j.jpeg); change != "" {
				a.logf("%s", change)
			}
		}
	})
	return a
}

// SaveSnapshot queues a copy of the snapshot.
func (a *asyncSnapshots) SaveSnapshot(id string, jpeg []byte) {
	queued := false
	select {
	case a.jobs <- snapshotJob{id: id, jpeg: bytes.Clone(jpeg)}:
		queued = true
	default:
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case !queued && !a.full:
		a.logf("snapshots: the disk is too slow: dropping snapshots (first: event %s)", id)
	case queued && a.full:
		a.logf("snapshots: keeping up again")
	}
	a.full = !queued
}

// Close waits for the queued snapshots to be saved.
func (a *asyncSnapshots) Close() {
	close(a.jobs)
	a.done.Wait()
}
