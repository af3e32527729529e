package camera

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// dirSource hands out still images: every .jpg/.jpeg/.png file of a folder in
// name order, or one file. JPEG files are passed through as MJPEG frames;
// PNG files are decoded to RGB24. It opens a file per frame, so unlike the
// stream sources it allocates per frame; it is meant for tests and batch work.
type dirSource struct {
	name  string
	files []string
	next  int
	loop  bool
	max   int
	ring  *frameRing
}

func isImageName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png":
		return true
	}
	return false
}

func openDir(path string, opts Options) (*dirSource, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("camera: dir:%s: %w", path, err)
	}
	var files []string
	if !st.IsDir() {
		if !isImageName(path) {
			return nil, fmt.Errorf("camera: dir:%s: not a .jpg, .jpeg or .png file", path)
		}
		files = []string{path}
	} else {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, fmt.Errorf("camera: dir:%s: %w", path, err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && isImageName(e.Name()) {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
		slices.Sort(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("camera: dir:%s: no .jpg, .jpeg or .png images in the folder", path)
		}
	}
	return &dirSource{name: path, files: files, loop: opts.Loop, max: opts.maxFrame(), ring: newFrameRing(opts.buffers())}, nil
}

func (s *dirSource) Read(ctx context.Context) (*Frame, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.next == len(s.files) {
		if !s.loop {
			return nil, io.EOF
		}
		s.next = 0
	}
	f, err := s.ring.take(ctx)
	if err != nil {
		return nil, err
	}
	path := s.files[s.next]
	s.next++
	if err := s.load(f, path); err != nil {
		s.ring.putBack(f)
		return nil, fmt.Errorf("camera: %s: %w", path, err)
	}
	s.ring.stamp(f, time.Now())
	return f, nil
}

// load reads one image file into f.
func (s *dirSource) load(f *Frame, path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return err
	}
	if st.Size() > int64(s.max) {
		return fmt.Errorf("%w: file of %d bytes (cap %d)", ErrFrameTooLarge, st.Size(), s.max)
	}
	f.Data = growBytes(f.Data, int(st.Size()))
	if _, err := io.ReadFull(file, f.Data); err != nil {
		return err
	}
	if len(f.Data) >= 2 && f.Data[0] == 0xFF && f.Data[1] == 0xD8 {
		w, h, ok := jpegSize(f.Data)
		if !ok {
			return fmt.Errorf("JPEG without a readable frame header")
		}
		f.Format, f.Width, f.Height = MJPEG, w, h
		return nil
	}
	return s.decodePNG(f)
}

// decodePNG replaces f.Data's PNG bytes with RGB24 pixels.
func (s *dirSource) decodePNG(f *Frame) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(f.Data))
	if err != nil {
		return fmt.Errorf("neither JPEG nor a readable PNG: %w", err)
	}
	if int64(cfg.Width)*int64(cfg.Height)*4 > int64(s.max) {
		return fmt.Errorf("%w: %dx%d image", ErrFrameTooLarge, cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(f.Data))
	if err != nil {
		return err
	}
	b := img.Bounds()
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	}
	f.Width, f.Height, f.Format = b.Dx(), b.Dy(), RGB24
	f.Data = growBytes(f.Data, f.Width*f.Height*3)
	return RGBAToRGB(f.Data, rgba)
}

func (s *dirSource) Close() error { return nil }

func (s *dirSource) Describe() string {
	d := fmt.Sprintf("%d still image(s) from %s", len(s.files), s.name)
	if s.loop {
		d += " (looping)"
	}
	return d
}
