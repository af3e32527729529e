package synth

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// SequenceOptions describe a synthetic video for tracking: shapes of the
// synth classes moving at constant velocity over a static cluttered
// background, bouncing off the frame's edges (so they cross one another),
// with static posts in front of them (so they are hidden for a while).
type SequenceOptions struct {
	Frames    int     // default 100
	Size      int     // square frame side in pixels (default 320, at least 64)
	Seed      int64   // the same seed gives the same sequence
	Objects   int     // moving shapes (default 5)
	Occluders int     // static posts in front (default 1; -1 for none)
	MaxSpeed  float64 // pixels per frame (default 6); speeds are 1..MaxSpeed
}

// TrackBox is one object in one frame of a sequence.
type TrackBox struct {
	ID      int        // 1.. for the whole sequence
	Class   int        // index into ShapeNames
	Box     [4]float32 // x1, y1, x2, y2 tight to the visible pixels
	Visible float32    // fraction of the shape visible; under 0.4 it is crowd (ignored)
}

// Sequence renders the frames of one SequenceOptions.
type Sequence struct {
	opts      SequenceOptions
	base      *image.RGBA // background and clutter, the same every frame
	movers    []mover
	occluders []occluder
}

type mover struct {
	class              int
	poly               []point
	x, y, vx, vy, r    float64
	rot                float64
	fill               func(x, y int) color.RGBA
	spanX, spanY, minC float64
}

type occluder struct {
	cx, cy, halfW, halfH float64
	fill                 func(x, y int) color.RGBA
}

func (o SequenceOptions) resolve() (SequenceOptions, error) {
	if o.Frames == 0 {
		o.Frames = 100
	}
	if o.Size == 0 {
		o.Size = 320
	}
	if o.Objects == 0 {
		o.Objects = 5
	}
	if o.Occluders == 0 {
		o.Occluders = 1
	}
	if o.Occluders < 0 {
		o.Occluders = 0
	}
	if o.MaxSpeed == 0 {
		o.MaxSpeed = 6
	}
	switch {
	case o.Frames < 1 || o.Frames > 1_000_000:
		return o, fmt.Errorf("synth: sequence of %d frames: want 1..1000000", o.Frames)
	case o.Size < 64 || o.Size > maxSide:
		return o, fmt.Errorf("synth: sequence frame size %d: want 64..%d", o.Size, maxSide)
	case o.Objects < 1 || o.Objects > 100:
		return o, fmt.Errorf("synth: %d moving objects: want 1..100", o.Objects)
	case o.Occluders > 10:
		return o, fmt.Errorf("synth: %d occluders: want 0..10", o.Occluders)
	case o.MaxSpeed < 1 || o.MaxSpeed > float64(o.Size)/4:
		return o, fmt.Errorf("synth: top speed %g px/frame: want 1..%d", o.MaxSpeed, o.Size/4)
	}
	return o, nil
}

// NewSequence lays out a sequence: the background, the movers' classes,
// sizes, textures, starts and velocities, and the posts.
func NewSequence(opts SequenceOptions) (*Sequence, error) {
	opts, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	n := float64(opts.Size)
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x5e9))
	s := &Sequence{opts: opts, base: image.NewRGBA(image.Rect(0, 0, opts.Size, opts.Size))}
	background(s.base, rng)
	clutter(s.base, rng)
	for i := 0; i < opts.Objects; i++ {
		class := rng.IntN(len(ShapeNames))
		poly := outline(ShapeNames[class])
		side := n * (0.12 + 0.14*rng.Float64()) // 38..83 px at 320: sizes the default model finds
		r := side / 2
		ext := r * reach(poly)
		speed, dir := 1+rng.Float64()*(opts.MaxSpeed-1), rng.Float64()*2*math.Pi
		m := mover{class: class, poly: poly, r: r, fill: texture(rng), minC: ext, spanX: n - 2*ext, spanY: n - 2*ext,
			vx: speed * math.Cos(dir), vy: speed * math.Sin(dir)}
		m.x, m.y = rng.Float64()*m.spanX, rng.Float64()*m.spanY
		if rng.IntN(2) == 0 {
			m.rot = rng.Float64() * 2 * math.Pi
		}
		s.movers = append(s.movers, m)
	}
	for i := 0; i < opts.Occluders; i++ {
		halfW, halfH := n*(0.03+0.03*rng.Float64()), n*(0.25+0.2*rng.Float64())
		o := occluder{cy: halfH + rng.Float64()*(n-2*halfH), halfW: halfW, halfH: halfH, fill: texture(rng)}
		// Posts stand apart (a few tries; then wherever the last one fell).
		for try := 0; try < 20; try++ {
			o.cx = n * (0.15 + 0.7*rng.Float64())
			if !s.nearPost(o.cx, halfW+n/10) {
				break
			}
		}
		s.occluders = append(s.occluders, o)
	}
	return s, nil
}

// nearPost reports whether x is within gap of a post already placed.
func (s *Sequence) nearPost(x, gap float64) bool {
	for _, o := range s.occluders {
		if math.Abs(o.cx-x) < o.halfW+gap {
			return true
		}
	}
	return false
}

// Options returns the options with defaults filled in.
func (s *Sequence) Options() SequenceOptions { return s.opts }

// position is a mover's centre in frame i: constant velocity, folded back
// at the edges like a ball bouncing off walls.
func (m *mover) position(i int) (x, y float64) {
	return m.minC + Bounce(m.x+m.vx*float64(i), m.spanX), m.minC + Bounce(m.y+m.vy*float64(i), m.spanY)
}

// Bounce folds a coordinate moving at constant speed into [0, span], as a
// ball bouncing between two walls.
func Bounce(v, span float64) float64 {
	period := 2 * span
	v = math.Mod(v, period)
	if v < 0 {
		v += period
	}
	if v > span {
		v = period - v
	}
	return v
}

// Frame renders frame i (from 0) and returns its objects, those with any
// visible pixel, with boxes tight to what is visible.
func (s *Sequence) Frame(i int) (*image.RGBA, []TrackBox) {
	n := s.opts.Size
	img := image.NewRGBA(s.base.Rect)
	copy(img.Pix, s.base.Pix)
	owner := make([]int16, n*n)
	for k := range owner {
		owner[k] = -1
	}
	shapes := make([]placed, len(s.movers))
	for k := range s.movers {
		m := &s.movers[k]
		cx, cy := m.position(i)
		shapes[k] = placed{class: m.class, total: fillRotated(img, m.poly, cx, cy, m.r, m.rot, m.fill, owner, int16(k))}
	}
	post := []point{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}
	for _, o := range s.occluders {
		// A post: the unit square stretched, its pixels owned by nothing.
		sq := make([]point, len(post))
		for j, p := range post {
			sq[j] = point{p.x * o.halfW / o.halfH, p.y}
		}
		fillRotated(img, sq, o.cx, o.cy, o.halfH, 0, o.fill, owner, -1)
	}
	// boxes drops shapes with nothing visible; walk them in the same order
	// to give each box its mover's id.
	visible := make([]int, len(s.movers))
	for _, o := range owner {
		if o >= 0 {
			visible[o]++
		}
	}
	objs := boxes(shapes, owner, n)
	var out []TrackBox
	for k, sh := range shapes {
		if visible[k] == 0 || sh.total == 0 {
			continue
		}
		o := objs[len(out)]
		out = append(out, TrackBox{ID: k + 1, Class: o.Class, Box: o.Box, Visible: float32(visible[k]) / float32(sh.total)})
	}
	return img, out
}

// GenerateSequence writes a sequence into dir (which must not exist or be
// empty): frame_0001.jpg ... and gt.txt, the ground truth in MOTChallenge
// form, one line per object per frame:
//
//	frame,id,x,y,w,h,consider,class,visibility
//
// frame from 1; x, y, w, h the visible box in pixels; consider 0 for an
// object less than 40% visible (evaluation ignores it), else 1; class 1 +
// the index in ShapeNames (circle 1 ... cross 5; MOTChallenge classes start
// at 1); visibility the visible fraction. As Generate, it writes into a
// temporary folder renamed into place at the end.
func GenerateSequence(dir string, opts SequenceOptions) error {
	seq, err := NewSequence(opts)
	if err != nil {
		return err
	}
	return intoNewFolder(dir, seq.writeInto)
}

func (s *Sequence) writeInto(root string) error {
	gt, err := os.Create(filepath.Join(root, "gt.txt"))
	if err != nil {
		return err
	}
	defer gt.Close()
	w := bufio.NewWriter(gt)
	var buf bytes.Buffer
	for i := 0; i < s.opts.Frames; i++ {
		img, objs := s.Frame(i)
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(root, FrameName(i+1)), buf.Bytes(), 0o644); err != nil {
			return err
		}
		for _, o := range objs {
			consider := 1
			if o.Visible < minVisible {
				consider = 0
			}
			b := o.Box
			fmt.Fprintf(w, "%d,%d,%g,%g,%g,%g,%d,%d,%.3f\n", i+1, o.ID, b[0], b[1], b[2]-b[0], b[3]-b[1], consider, o.Class+1, o.Visible)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return gt.Close()
}

// FrameName is the file name of frame number i (from 1) of a sequence.
func FrameName(i int) string { return fmt.Sprintf("frame_%04d.jpg", i) }
