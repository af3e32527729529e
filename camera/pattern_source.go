package camera

import (
	"context"
	"fmt"
)

// openPattern opens testsrc:WxH: YUYV colour bars that scroll by one column
// a frame, a camera-free live source for benchmarks and pipeline tests. It
// runs at DefaultTestFPS unless opts.FPS says otherwise (negative:
// unthrottled). It never fails, but reports Status like any live source.
func openPattern(size string, opts Options) (*liveSource, error) {
	var w, h int
	if _, err := fmt.Sscanf(size, "%dx%d", &w, &h); err != nil || fmt.Sprintf("%dx%d", w, h) != size {
		return nil, fmt.Errorf("camera: testsrc:%s: want testsrc:WIDTHxHEIGHT, e.g. testsrc:640x480", size)
	}
	if err := checkDims("testsrc", w, h); err != nil || w%2 != 0 {
		return nil, fmt.Errorf("camera: testsrc:%s: the size must be positive, at most %d, with an even width", size, maxSide)
	}
	if opts.FPS == 0 {
		opts.FPS = DefaultTestFPS
	}
	p := &patternLink{w: w, h: h}
	return openLive(liveConfig{
		name:     "testsrc:" + size,
		describe: p.describe(),
		dial:     func(context.Context) (link, error) { return p, nil },
		limit:    true,
		policy:   Pace,
	}, opts)
}

// patternLink draws the bars.
type patternLink struct {
	w, h int
	n    int
}

// barYUV are BT.601 full-range white, yellow, cyan, green, magenta, red,
// blue and black.
var barYUV = [8][3]byte{
	{255, 128, 128}, {226, 1, 149}, {179, 171, 1}, {150, 44, 21},
	{105, 212, 235}, {76, 85, 255}, {29, 255, 107}, {0, 128, 128},
}

func (p *patternLink) next(f *Frame) error {
	f.Data = growBytes(f.Data, p.w*p.h*2)
	row := f.Data[:p.w*2]
	for x := 0; x < p.w; x += 2 {
		c := barYUV[((x+p.n*2)%p.w)*8/p.w]
		row[x*2], row[x*2+1], row[x*2+2], row[x*2+3] = c[0], c[1], c[0], c[2]
	}
	for y := 1; y < p.h; y++ {
		copy(f.Data[y*p.w*2:(y+1)*p.w*2], row)
	}
	p.n++
	f.Format, f.Width, f.Height = YUYV, p.w, p.h
	return nil
}

func (p *patternLink) abort() {}
func (p *patternLink) close() {}

func (p *patternLink) describe() string {
	return fmt.Sprintf("test pattern YUYV %dx%d", p.w, p.h)
}
