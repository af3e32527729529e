package draw

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"strings"

	"github.com/retina-edge/retina/internal/atomicfile"
)

// JPEGQuality is the quality SaveImage writes JPEGs at.
const JPEGQuality = 90

// SaveImage writes img to path as JPEG (.jpg, .jpeg) or PNG (.png), chosen
// by the extension, case-insensitively. It writes a temporary file in the
// same directory and renames it into place, so path is either the whole
// new picture or untouched, never a partial file; the mode is 0666 less the
// umask, as for any file a command writes.
func SaveImage(path string, img image.Image) error {
	encode, err := encoderFor(path)
	if err != nil {
		return err
	}
	b := img.Bounds()
	if b.Empty() {
		return fmt.Errorf("%s: cannot save an image with no pixels (%dx%d)", path, b.Dx(), b.Dy())
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		if err := encode(w, img); err != nil {
			return fmt.Errorf("encoding: %w", err)
		}
		return nil
	})
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
