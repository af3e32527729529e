package synth

import (
	"fmt"
	"os"
	"path/filepath"
)

// intoNewFolder has fill write into a temporary folder beside dir and
// renames it to dir at the end, so that a failure leaves no half dataset;
// dir must not exist or be empty.
func intoNewFolder(dir string, fill func(tmp string) error) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("synth: %s exists and is not empty", dir)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp")
	if err != nil {
		return err
	}
	if err := fill(tmp); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("synth: %w", err)
	}
	os.Remove(dir) // an empty folder may stand in the way of the rename
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
