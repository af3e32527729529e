package dataset

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // decode JPEG headers for image sizes
	_ "image/png"  // and PNG
	"os"
	"path/filepath"
	"strings"

	"github.com/retina-edge/retina/internal/atomicfile"
)

// imageSize reads the width and height from an image file's header.
func imageSize(path string) (int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: cannot read the image size: %v", path, err)
	}
	return cfg.Width, cfg.Height, nil
}

// isImage reports whether a file name has an image extension we decode.
func isImage(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png":
		return true
	}
	return false
}

func exists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// writeFileAtomic writes data beside path and renames it into place, so a
// reader never sees half a file; missing folders are created.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, data)
}
