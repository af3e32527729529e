package draw

import (
	"bufio"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// JPEGQuality is the quality SaveImage writes JPEGs at.
const JPEGQuality = 90

// SaveImage writes img to path as JPEG (.jpg, .jpeg) or PNG (.png), chosen
// by the extension, case-insensitively. It writes a temporary file in the
// same directory and renames it into place, so path is either the whole
// new picture or untouched, never a partial file.
func SaveImage(path string, img image.Image) error {
	encode, err := encoderFor(path)
	if err != nil {
		return err
	}
	b := img.Bounds()
	if b.Empty() {
		return fmt.Errorf("%s: cannot save an image with no pixels (%dx%d)", path, b.Dx(), b.Dy())
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriter(tmp)
	if err := encode(w, img); err != nil {
		return fmt.Errorf("%s: encoding: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// CreateTemp makes the file owner-only; a saved picture is for sharing.
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ok = true
	return nil
}

func encoderFor(path string) (func(io.Writer, image.Image) error, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".jpg", ".jpeg":
		return func(w io.Writer, m image.Image) error {
			return jpeg.Encode(w, m, &jpeg.Options{Quality: JPEGQuality})
		}, nil
	case ".png":
		return png.Encode, nil
	default:
		return nil, fmt.Errorf("%s: unknown image extension %q (want .jpg, .jpeg or .png)", path, ext)
	}
}
