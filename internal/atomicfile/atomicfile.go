// Package atomicfile writes a file so that its path holds either the whole
// new content or what it held before, never a partial file: the content
// goes to a temporary beside it, which is renamed into place.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// TempPrefix is how the temporaries of path's base name start
// (".NAME.tmp-"), so that a caller can clean up those a killed writer left.
func TempPrefix(base string) string { return "." + base + ".tmp-" }

// Write calls fill with a buffered writer into a temporary file beside
// path, then renames it over path. The file is created with mode 0666 less
// the umask (0644 under the usual umask), as os.Create makes files, not
// owner-only like os.CreateTemp. On any error the temporary is removed, an
// existing file at path is untouched, and the error names path. A power
// cut may still lose the new content (see WriteDurable).
func Write(path string, fill func(io.Writer) error) error {
	return write(path, fill, false)
}

// WriteDurable is Write that also syncs the file and its folder before
// returning, for what a crash must not lose (models, checkpoints, logs).
func WriteDurable(path string, fill func(io.Writer) error) error {
	return write(path, fill, true)
}

func write(path string, fill func(io.Writer) error, durable bool) (err error) {
	tmp, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("%s: %w", path, err)
		}
	}()
	bw := bufio.NewWriterSize(tmp, 256<<10)
	if err = fill(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if durable {
		if err = tmp.Sync(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable; not every platform can sync a folder.
	if !durable {
		return nil
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteBytes writes data to path atomically (see Write).
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// createTemp opens a new temporary beside path with O_EXCL and mode 0666,
// so the umask decides the final mode.
func createTemp(path string) (*os.File, error) {
	prefix := filepath.Join(filepath.Dir(path), TempPrefix(filepath.Base(path)))
	for range 1000 {
		name := prefix + strconv.FormatUint(rand.Uint64(), 36)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("cannot create a temporary file: every name tried exists")
}
