package preprocess

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF with image.Decode
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"

	"github.com/retina-edge/retina/net/jpegdec"
	_ "golang.org/x/image/bmp"  // registers BMP
	_ "golang.org/x/image/tiff" // registers TIFF
	_ "golang.org/x/image/webp" // registers WebP
)

// DecodeFile decodes a JPEG, PNG, GIF, BMP, TIFF or WebP file. It reads the
// header first and refuses an image of more than maxPixels pixels before
// decoding (and so before allocating) it. Errors name the file.
func DecodeFile(path string, maxPixels int) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	defer f.Close()
	img, err := decode(f, maxPixels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// DecodeBytes is DecodeFile for an image already in memory; name is used
// in errors.
func DecodeBytes(name string, data []byte, maxPixels int) (image.Image, error) {
	img, err := decode(bytes.NewReader(data), maxPixels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return img, nil
}

// ErrNotImage is returned (wrapped) for data in no known image format.
var ErrNotImage = errors.New("not a JPEG/PNG/GIF/BMP/TIFF/WebP image")

func decode(r io.ReadSeeker, maxPixels int) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		return nil, describe(format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%s image has no pixels (%dx%d)", strings.ToUpper(format), cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, fmt.Errorf("%s image is %dx%d, more than the limit of %d pixels", strings.ToUpper(format), cfg.Width, cfg.Height, maxPixels)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if format == "jpeg" {
		// PIL's (libjpeg-turbo's) pixels, not image/jpeg's: torchvision users
		// decode with PIL, and detections must match theirs.
		img, err := jpegdec.Decode(r, maxPixels)
		if err != nil {
			return nil, describeJPEG(err)
		}
		return img, nil
	}
	img, format, err := image.Decode(r)
	if err != nil {
		return nil, describe(format, err)
	}
	// A GIF's first frame may be smaller than its screen, so only the
	// limit is checked again here.
	if b := img.Bounds(); int64(b.Dx())*int64(b.Dy()) > int64(maxPixels) {
		return nil, fmt.Errorf("%s image decodes to %dx%d although its header says %dx%d", strings.ToUpper(format), b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	return img, nil
}

// describe turns a decoder's error into a sentence about the file.
func describe(format string, err error) error {
	name := strings.ToUpper(format)
	if name == "WEBP" {
		name = "WebP"
	}
	switch {
	case errors.Is(err, image.ErrFormat):
		return ErrNotImage
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), isShortData(err):
		return fmt.Errorf("unexpected EOF in %s data (truncated file?)", name)
	}
	var fe jpeg.FormatError
	if errors.As(err, &fe) {
		return fmt.Errorf("corrupt JPEG data: %s", string(fe))
	}
	var ue jpeg.UnsupportedError
	if errors.As(err, &ue) {
		return fmt.Errorf("unsupported JPEG feature: %s", string(ue))
	}
	return fmt.Errorf("bad %s data: %v", name, err)
}

// describeJPEG turns a jpegdec error into the same sentences as describe.
func describeJPEG(err error) error {
	var fe jpegdec.FormatError
	var ue jpegdec.UnsupportedError
	switch {
	case errors.Is(err, jpegdec.ErrTruncated), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("unexpected EOF in JPEG data (truncated file?)")
	case errors.As(err, &fe):
		return fmt.Errorf("corrupt JPEG data: %s", string(fe))
	case errors.As(err, &ue):
		return fmt.Errorf("unsupported JPEG feature: %s", string(ue))
	}
	return fmt.Errorf("bad JPEG data: %v", err)
}

// isShortData reports the errors image/jpeg and image/png turn an early
// end of their compressed data into.
func isShortData(err error) bool {
	var je jpeg.FormatError
	var pe png.FormatError
	return errors.As(err, &je) && string(je) == "short Huffman data" ||
		errors.As(err, &pe) && string(pe) == "not enough pixel data"
}
