package train

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/retina-edge/retina/internal/atomicfile"
)

// RunFiles are the files a run writes in its output folder, each atomically
// (temp file, rename).
var RunFiles = []string{ModelFileName, CheckpointFileName, ResumeFileName, LogFileName, PlotFileName}

// removeStaleTemps deletes the temporaries ".NAME.tmp-*" of the run's files
// that a run killed mid-write left in dir. They are never read (a
// checkpoint is only ever its final name), but each kill would leave up to
// two 10 MB files behind.
func removeStaleTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !isRunTemp(e.Name()) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// isRunTemp tells a temporary of one of RunFiles by its name.
func isRunTemp(name string) bool {
	for _, f := range RunFiles {
		if strings.HasPrefix(name, atomicfile.TempPrefix(f)) {
			return true
		}
	}
	return false
}
