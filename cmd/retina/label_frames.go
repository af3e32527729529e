package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/internal/atomicfile"
)

// labelFramesHelp says which frame sources label and distill read.
const labelFramesHelp = "a folder of .jpg/.png images, one image, an MJPEG file (mjpeg:FILE or FILE.mjpeg), or dir:PATH"

// gatherFrames puts the frames of src into imgDir and returns their paths
// in order: a folder's images are copied under their own names, an MJPEG
// file's frames are written as frame_000000.jpg, ... A file already there
// with the right size is kept (a resumed run reads nothing twice); each
// new one is written atomically, so a kill leaves no half image.
func gatherFrames(ctx context.Context, src, imgDir string) ([]string, error) {
	if err := os.MkdirAll(imgDir, 0o755); err != nil {
		return nil, err
	}
	scheme, rest, ok := strings.Cut(src, ":")
	if ok && !strings.ContainsAny(scheme, `/\.`) {
		switch strings.ToLower(scheme) {
		case "dir":
			src = rest
		case "mjpeg":
			if rest == "-" {
				return nil, usagef("frames mjpeg:- (standard input) is not a finite source: record it to a file first")
			}
			return extractMJPEG(ctx, rest, imgDir)
		default:
			return nil, usagef("frames %q: label needs a finite source: %s", src, labelFramesHelp)
		}
	}
	st, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("frames: %w", err)
	}
	if !st.IsDir() {
		switch strings.ToLower(filepath.Ext(src)) {
		case ".mjpeg", ".mjpg":
			return extractMJPEG(ctx, src, imgDir)
		}
		if !isImageFile(src) {
			return nil, usagef("frames %s: want %s", src, labelFramesHelp)
		}
		return copyFrames([]string{src}, imgDir)
	}
	files, err := imageFiles(src)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("frames %s: no .jpg or .png images in the folder", src)
	}
	return copyFrames(files, imgDir)
}

// copyFrames copies image files into imgDir (unless they are there).
func copyFrames(files []string, imgDir string) ([]string, error) {
	seen := make(map[string]string, len(files))
	out := make([]string, 0, len(files))
	for _, f := range files {
		base := filepath.Base(f)
		stem := strings.TrimSuffix(base, filepath.Ext(base))
		if other, dup := seen[stem]; dup {
			return nil, fmt.Errorf("frames: %s and %s share the name %q, which VOC and YOLO annotations cannot tell apart: rename one", other, f, stem)
		}
		seen[stem] = f
		dst := filepath.Join(imgDir, base)
		if same, _ := isSameFile(f, dst); !same {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			if err := keepOrWrite(dst, data); err != nil {
				return nil, err
			}
		}
		out = append(out, dst)
	}
	return out, nil
}

func isSameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// keepOrWrite writes data as path unless a file of its size is there.
func keepOrWrite(path string, data []byte) error {
	if st, err := os.Stat(path); err == nil && st.Size() == int64(len(data)) {
		return nil
	}
	return atomicfile.WriteBytes(path, data)
}

// extractMJPEG writes an MJPEG file's frames into imgDir.
func extractMJPEG(ctx context.Context, path, imgDir string) ([]string, error) {
	src, err := camera.Open("mjpeg:"+path, camera.Options{})
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var out []string
	for {
		f, err := src.Read(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: frame %d: %w", path, len(out), err)
		}
		dst := filepath.Join(imgDir, fmt.Sprintf("frame_%06d.jpg", len(out)))
		if f.Format != camera.MJPEG {
			f.Release()
			return nil, fmt.Errorf("%s: frame %d is not a JPEG", path, len(out))
		}
		err = keepOrWrite(dst, f.Data)
		f.Release()
		if err != nil {
			return nil, err
		}
		out = append(out, dst)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no frames in the MJPEG file", path)
	}
	return out, nil
}
