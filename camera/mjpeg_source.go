package camera

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// mjpegSource reads concatenated JPEGs from a file or from standard input.
type mjpegSource struct {
	name   string // the path, or "stdin"
	file   *os.File
	closer io.Closer // nil for stdin, which the process owns
	split  *MJPEGSplitter
	ring   *frameRing
	loop   bool
	passes int // frames delivered in the current pass, to stop looping an empty file
}

func openMJPEGFile(path string, opts Options) (*mjpegSource, error) {
	if path == "-" {
		return &mjpegSource{
			name:  "stdin",
			file:  os.Stdin,
			split: NewMJPEGSplitter(os.Stdin, opts.MaxFrameBytes),
			ring:  newFrameRing(opts.buffers()),
		}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("camera: mjpeg:%s: %w", path, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("camera: mjpeg:%s: is a directory (use dir:%s for a folder of images)", path, path)
	}
	return &mjpegSource{
		name:   path,
		file:   f,
		closer: f,
		split:  NewMJPEGSplitter(f, opts.MaxFrameBytes),
		ring:   newFrameRing(opts.buffers()),
		loop:   opts.Loop,
	}, nil
}

func (s *mjpegSource) Read(ctx context.Context) (*Frame, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := s.ring.take(ctx)
	if err != nil {
		return nil, err
	}
	for {
		f.Data, err = s.split.Next(f.Data)
		if err == io.EOF && s.loop && s.passes > 0 {
			if err = s.rewind(); err == nil {
				continue
			}
		}
		break
	}
	if err != nil {
		s.ring.putBack(f)
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("camera: mjpeg %s: %w", s.name, err)
	}
	s.passes++
	f.Format = MJPEG
	f.Width, f.Height, _ = jpegSize(f.Data)
	s.ring.stamp(f, time.Now())
	return f, nil
}

// rewind starts the file again for Loop.
func (s *mjpegSource) rewind() error {
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("cannot loop: %w", err)
	}
	in := s.split.in
	in.lo, in.hi, in.base, in.err = 0, 0, 0, nil
	s.passes = 0
	return nil
}

func (s *mjpegSource) Close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

func (s *mjpegSource) Describe() string {
	d := "MJPEG stream from " + s.name
	if s.loop {
		d += " (looping)"
	}
	return d
}
