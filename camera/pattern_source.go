package camera

import (
	"context"
	"fmt"
	"time"
)

// patternSource makes YUYV colour bars that scroll by one column a frame:
// a camera-free source for benchmarks and pipeline tests (spec testsrc:WxH).
type patternSource struct {
	w, h int
	ring *frameRing
	n    int
}

func openPattern(size string, opts Options) (*patternSource, error) {
	var w, h int
	if _, err := fmt.Sscanf(size, "%dx%d", &w, &h); err != nil || fmt.Sprintf("%dx%d", w, h) != size {
		return nil, fmt.Errorf("camera: testsrc:%s: want testsrc:WIDTHxHEIGHT, e.g. testsrc:640x480", size)
	}
	if err := checkDims("testsrc", w, h); err != nil || w%2 != 0 {
		return nil, fmt.Errorf("camera: testsrc:%s: the size must be positive, at most %d, with an even width", size, maxSide)
	}
	return &patternSource{w: w, h: h, ring: newFrameRing(opts.buffers())}, nil
}

// barYUV are BT.601 full-range white, yellow, cyan, green, magenta, red,
// blue and black.
var barYUV = [8][3]byte{
	{255, 128, 128}, {226, 1, 149}, {179, 171, 1}, {150, 44, 21},
	{105, 212, 235}, {76, 85, 255}, {29, 255, 107}, {0, 128, 128},
}

func (s *patternSource) Read(ctx context.Context) (*Frame, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := s.ring.take(ctx)
	if err != nil {
		return nil, err
	}
	f.Data = growBytes(f.Data, s.w*s.h*2)
	row := f.Data[:s.w*2]
	for x := 0; x < s.w; x += 2 {
		c := barYUV[((x+s.n*2)%s.w)*8/s.w]
		row[x*2], row[x*2+1], row[x*2+2], row[x*2+3] = c[0], c[1], c[0], c[2]
	}
	for y := 1; y < s.h; y++ {
		copy(f.Data[y*s.w*2:(y+1)*s.w*2], row)
	}
	s.n++
	f.Format, f.Width, f.Height = YUYV, s.w, s.h
	s.ring.stamp(f, time.Now())
	return f, nil
}

func (s *patternSource) Close() error { return nil }

func (s *patternSource) Describe() string {
	return fmt.Sprintf("test pattern YUYV %dx%d", s.w, s.h)
}
