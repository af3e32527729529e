package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retina-edge/retina/net/train"
)

// runFilesIn lists the files of a training run that are in dir.
func runFilesIn(dir string) []string {
	var found []string
	for _, name := range train.RunFiles {
		if st, err := os.Lstat(filepath.Join(dir, name)); err == nil && !st.IsDir() {
			found = append(found, name)
		}
	}
	return found
}

// refuseExistingRun stops a new run from overwriting another's files in
// out: a finished model, or checkpoints a --resume would continue. A log
// without any of those is a run stopped before its first checkpoint:
// nothing to continue, so a new run may start over it.
func refuseExistingRun(out string) error {
	found := runFilesIn(out)
	if !slices.ContainsFunc(found, func(f string) bool {
		return f == train.ModelFileName || f == train.CheckpointFileName || f == train.ResumeFileName
	}) {
		return nil
	}
	return fmt.Errorf("--out %s already holds a training run (%s): continue it with --resume %s, choose another --out, or replace it with --force",
		out, strings.Join(found, ", "), out)
}

// removeRun deletes the files of the run in out (--force), so that the new
// run's folder never mixes in the old run's model or checkpoints.
func removeRun(out string) error {
	for _, name := range runFilesIn(out) {
		if err := os.Remove(filepath.Join(out, name)); err != nil {
			return err
		}
	}
	return nil
}
