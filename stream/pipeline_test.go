package stream

import (
	"context"
	"errors"
	"image"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/net/detect"
)

// altSource alternates frames of two sources (two sizes), renumbered.
type altSource struct {
	a, b camera.Source
	n    uint64
}

func (s *altSource) Read(ctx context.Context) (*camera.Frame, error) {
	src := s.a
	if s.n%2 == 1 {
		src = s.b
	}
	f, err := src.Read(ctx)
	if err != nil {
		return nil, err
	}
	f.Seq = s.n
	s.n++
	return f, nil
}
func (s *altSource) Close() error     { return errors.Join(s.a.Close(), s.b.Close()) }
func (s *altSource) Describe() string { return "alternating" }

// The ways a pipeline runs the network: split with the network stages
// taking turns, split and overlapping, or one network stage.
const (
	turns = iota
	overlap
	onePiece
)

var modeNames = [...]string{"turns", "overlap", "one-piece"}

// newTestPipeline builds a pipeline over the test model.
func newTestPipeline(t testing.TB, src camera.Source, mode int, sinks []Sink, opts Options) *Pipeline {
	t.Helper()
	m := loadModel(t, 2)
	var p *Pipeline
	var err error
	switch mode {
	case onePiece:
		p, err = NewNetwork(src, networkOf(t, m), sinks, opts)
	case overlap:
		opts.HeadThreads = 3 // more than the model's 2: a size once planned for the model's threads only
		p, err = New(src, m, sinks, opts)
	default:
		p, err = New(src, m, sinks, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every frame's detections equal net/detect's on the same picture, in
// every mode, across changes of frame size.
func TestPipelineMatchesDetector(t *testing.T) {
	for mode, name := range modeNames {
		const n = 8
		src := &limitSource{n: n, Source: &altSource{a: openPattern(t, "200x150", 0), b: openPattern(t, "120x200", 0)}}
		ref, err := detect.New(loadModel(t, 1), testOptions())
		if err != nil {
			t.Fatal(err)
		}
		total, frames := 0, 0
		opts := Options{Detect: testOptions(), OnFrame: func(r *Result, img image.Image) {
			want, err := ref.Detect(img)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); r.Width != b.Dx() || r.Height != b.Dy() {
				t.Errorf("frame %d: result says %dx%d, picture is %v", r.Frame, r.Width, r.Height, b)
			}
			if !reflect.DeepEqual(r.Detections, want) && len(r.Detections)+len(want) > 0 {
				t.Errorf("%s, frame %d: pipeline found %v, detect found %v", name, r.Frame, r.Detections, want)
			}
			total += len(want)
			frames++
		}}
		sink := &countSink{t: t}
		p := newTestPipeline(t, src, mode, []Sink{sink}, opts)
		if err := p.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		st := p.Stats()
		if frames != n || sink.seen != n || st.Frames != n {
			t.Fatalf("%s: %d frames seen, %d published, stats %+v; want %d", name, frames, sink.seen, st, n)
		}
		for _, s := range st.Stages {
			if s.Frames != n || s.Busy <= 0 {
				t.Errorf("%s: stage %+v, want %d frames and some busy time", name, s, n)
			}
		}
		if total == 0 {
			t.Fatal("no detections at all: the comparison proves nothing")
		}
	}
}

// With a model slower than the source the latest-frame policy drops (and
// counts) frames instead of queueing them.
func TestSlowModelDropsStaleFrames(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := &countSink{t: t, n: 20, cancel: cancel}
	m := loadModel(t, 1)
	p, err := NewNetwork(openPattern(t, "64x48", 1000), &slowNetwork{Network: networkOf(t, m), delay: 5 * time.Millisecond},
		[]Sink{sink}, Options{Detect: testOptions(), DropStale: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	if st.Frames != 20 || st.Drops == 0 {
		t.Fatalf("stats %+v: want 20 frames and some drops", st)
	}
	if sink.last < 20 {
		t.Fatalf("last frame %d: frames were not skipped", sink.last)
	}
	if st.P50 <= 0 || st.P95 < st.P50 {
		t.Fatalf("latency quantiles %+v", st)
	}
}

// With a model slower than the source, the heap stays flat over many frames
// (nothing queues up, nothing leaks per frame) while drops are counted.
func TestSlowModelMemoryFlat(t *testing.T) {
	for mode, name := range modeNames {
		const warm, frames = 20, 150
		ctx, cancel := context.WithCancel(context.Background())
		var before, after runtime.MemStats
		sink := &countSink{t: t, n: warm + frames, cancel: cancel}
		sink.each = func(r *Result) {
			switch sink.seen {
			case warm:
				runtime.GC()
				runtime.ReadMemStats(&before)
			case warm + frames:
				runtime.GC()
				runtime.ReadMemStats(&after)
			}
		}
		src := openPattern(t, "320x240", 1000) // a fast camera
		var p *Pipeline
		if mode == onePiece {
			p2, err := NewNetwork(src, &slowNetwork{Network: networkOf(t, loadModel(t, 1)), delay: 5 * time.Millisecond},
				[]Sink{sink}, Options{Detect: testOptions(), DropStale: true})
			if err != nil {
				t.Fatal(err)
			}
			p = p2
		} else {
			// The split model at 160 px is far slower than the pattern source.
			p = newTestPipeline(t, src, mode, []Sink{sink}, Options{Detect: testOptions(), DropStale: true})
		}
		if err := p.Run(ctx); err != nil {
			t.Fatal(err)
		}
		cancel()
		st := p.Stats()
		grew := int64(after.HeapInuse) - int64(before.HeapInuse)
		t.Logf("%s: heap in use %d -> %d bytes over %d frames, %d drops, %d mallocs",
			name, before.HeapInuse, after.HeapInuse, frames, st.Drops, after.Mallocs-before.Mallocs)
		if grew > 256<<10 {
			t.Errorf("%s: heap grew by %d bytes over %d frames", name, grew, frames)
		}
		if st.Drops == 0 || st.Frames != warm+frames {
			t.Errorf("%s: stats %+v, want %d frames and drops counted", name, st, warm+frames)
		}
	}
}

// stepper runs a pipeline one frame at a time: step lets one frame in and
// waits until it is published.
type stepper struct {
	gate, done chan struct{}
	errc       chan error
	cancel     context.CancelFunc
}

func startStepper(t testing.TB, mode int, dropStale bool) *stepper {
	t.Helper()
	return startStepperOn(t, openPattern(t, "160x120", 0), mode, dropStale)
}

// startStepperOn is startStepper on the given source.
func startStepperOn(t testing.TB, inner camera.Source, mode int, dropStale bool) *stepper {
	t.Helper()
	return startStepperWith(t, inner, mode, Options{Detect: testOptions(), DropStale: dropStale})
}

// startStepperWith is startStepperOn with any options.
func startStepperWith(t testing.TB, inner camera.Source, mode int, opts Options) *stepper {
	t.Helper()
	s := &stepper{gate: make(chan struct{}), done: make(chan struct{}), errc: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	src := &gateSource{Source: inner, gate: s.gate}
	p := newTestPipeline(t, src, mode, []Sink{&countSink{t: t, done: s.done}}, opts)
	go func() { s.errc <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-s.errc; err != nil {
			t.Error(err)
		}
	})
	return s
}

func (s *stepper) step() {
	s.gate <- struct{}{}
	<-s.done
}

// After warm-up (every frame slot and stage buffer used once) a frame
// through the whole pipeline allocates nothing, on any goroutine, from a
// raw source or a Motion-JPEG one.
func TestPipelineNoAllocs(t *testing.T) {
	for _, mjpeg := range []bool{false, true} {
		for mode, name := range modeNames {
			var s *stepper
			if mjpeg {
				name += " MJPEG"
				s = startStepperOn(t, newMJPEGSource(t, "160x120", 3), mode, mode != onePiece)
			} else {
				s = startStepper(t, mode, mode != onePiece)
			}
			for range 2 * maxFrames {
				s.step()
			}
			if a := testing.AllocsPerRun(20, s.step); a != 0 {
				t.Errorf("%s: %v allocations per frame in steady state", name, a)
			}
		}
	}
}

// A failing stage stops the run with an error naming the frame.
func TestStageErrorStopsRun(t *testing.T) {
	m := loadModel(t, 1)
	sink := &countSink{t: t}
	p, err := NewNetwork(openPattern(t, "64x48", 0), &failingNetwork{Network: networkOf(t, m), n: 3}, []Sink{sink},
		Options{Detect: testOptions()})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "frame 2: out of cheese") {
		t.Fatalf("Run: %v, want frame 2's error", err)
	}
	if sink.seen > 2 {
		t.Fatalf("%d frames published after the failure", sink.seen)
	}
}

// A source that fails mid-stream still lets the frames before it finish.
func TestSourceErrorAfterFrames(t *testing.T) {
	sink := &countSink{t: t}
	src := &limitSource{Source: openPattern(t, "64x48", 0), n: 5, err: errors.New("cable pulled")}
	p := newTestPipeline(t, src, turns, []Sink{sink}, Options{Detect: testOptions()})
	if err := p.Run(context.Background()); err == nil || err.Error() != "cable pulled" {
		t.Fatalf("Run: %v", err)
	}
	if sink.seen != 5 {
		t.Fatalf("%d of 5 frames published", sink.seen)
	}
}

func TestBadDetectOptions(t *testing.T) {
	m := loadModel(t, 1)
	o := testOptions()
	o.TopK = -1
	if _, err := New(openPattern(t, "64x48", 0), m, nil, Options{Detect: o}); err == nil {
		t.Fatal("New accepted TopK -1")
	}
}

// badFrames delivers two good raw frames, then a broken JPEG.
type badFrames struct {
	camera.Source
	n uint64
}

func (b *badFrames) Read(ctx context.Context) (*camera.Frame, error) {
	if b.n < 2 {
		b.n++
		return b.Source.Read(ctx)
	}
	return &camera.Frame{Seq: 2, Format: camera.MJPEG, Width: 8, Height: 8, Data: []byte("\xff\xd8 not a jpeg \xff\xd9")}, nil
}

func (b *badFrames) Describe() string { return "bad-camera" }

// A frame that does not decode ends the run with an error naming the source
// and the frame, after the frames before it.
func TestBadFrameNamesSourceAndFrame(t *testing.T) {
	sink := &countSink{t: t}
	p := newTestPipeline(t, &badFrames{Source: openPattern(t, "64x48", 0)}, turns, []Sink{sink}, Options{Detect: testOptions()})
	err := p.Run(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "bad-camera: frame 2: ") || strings.Count(err.Error(), "frame") != 1 {
		t.Fatalf("Run: %v", err)
	}
	if sink.seen != 2 {
		t.Fatalf("%d of the 2 good frames published", sink.seen)
	}
	t.Log(err)
}
