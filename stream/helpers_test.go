package stream

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/detect"
)

// testModel is a small real RetinaNet (random weights, fixed seed).
const testModel = "../testdata/golden/basic_v1.safetensors"

func loadModel(t testing.TB, threads int) *net.Model {
	t.Helper()
	m, err := net.LoadModelFile(testModel, threads)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

// testOptions run the test model small and keep many detections, so that
// comparisons have something to compare.
func testOptions() detect.Options {
	o := detect.DefaultOptions()
	o.ScoreThresh, o.MinSize, o.MaxSize = 0.05, 96, 160
	return o
}

// openPattern opens the test pattern source at fps frames a second (0: as
// fast as it can draw them).
func openPattern(t testing.TB, size string, fps float64) camera.Source {
	t.Helper()
	src, err := camera.Open("testsrc:"+size, camera.Options{FPS: fps})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// slowNetwork stands in for a model slower than the source.
type slowNetwork struct {
	detect.Network
	delay time.Duration
}

func (s *slowNetwork) Heads(h, w int, input []float32) ([]boxes.Level, error) {
	time.Sleep(s.delay)
	return s.Network.Heads(h, w, input)
}

// failingNetwork fails on its n-th call.
type failingNetwork struct {
	detect.Network
	n, calls int
}

func (f *failingNetwork) Heads(h, w int, input []float32) ([]boxes.Level, error) {
	f.calls++
	if f.calls == f.n {
		return nil, errors.New("out of cheese")
	}
	return f.Network.Heads(h, w, input)
}

// networkOf is the float model as a one-piece detect.Network.
func networkOf(t testing.TB, m *net.Model) detect.Network {
	t.Helper()
	d, err := detect.New(m, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return d.Network()
}

// countSink checks frame order and stops the pipeline after n frames (0:
// never); each frame is also signalled on done, if set.
type countSink struct {
	t      testing.TB
	n      int
	seen   int
	last   uint64
	cancel context.CancelFunc
	done   chan struct{}
	each   func(r *Result)
}

func (c *countSink) Publish(r *Result) error {
	if c.seen > 0 && r.Frame <= c.last && !r.Frameless {
		c.t.Errorf("frame %d after frame %d", r.Frame, c.last)
	}
	c.last = r.Frame
	c.seen++
	if c.each != nil {
		c.each(r)
	}
	if c.done != nil {
		c.done <- struct{}{}
	}
	if c.seen == c.n {
		c.cancel()
	}
	return nil
}

func (c *countSink) Close() error { return nil }

// gateSource hands out one frame of its inner source per token, so a test
// can step the pipeline one frame at a time.
type gateSource struct {
	camera.Source
	gate chan struct{}
}

func (g *gateSource) Read(ctx context.Context) (*camera.Frame, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.Source.Read(ctx)
}

// limitSource ends its inner source after n frames with err (nil: io.EOF).
type limitSource struct {
	camera.Source
	n   int
	err error
	mu  sync.Mutex
}

func (l *limitSource) Read(ctx context.Context) (*camera.Frame, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n == 0 {
		if l.err == nil {
			return nil, io.EOF
		}
		return nil, l.err
	}
	l.n--
	return l.Source.Read(ctx)
}
