package stream

import (
	"context"
	"image"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/net/detect"
)

// slowDetector stands in for a model slower than the source.
type slowDetector struct {
	delay time.Duration
	dets  []detect.Detection
}

func (s *slowDetector) Detect(img image.Image) ([]detect.Detection, error) {
	time.Sleep(s.delay)
	return s.dets, nil
}

// countSink stops the pipeline after n frames.
type countSink struct {
	n, seen int
	last    uint64
	cancel  context.CancelFunc
	t       *testing.T
}

func (c *countSink) Publish(r *Result) error {
	if c.seen > 0 && r.Frame <= c.last {
		c.t.Errorf("frame %d after frame %d", r.Frame, c.last)
	}
	c.last = r.Frame
	c.seen++
	if c.seen == c.n {
		c.cancel()
	}
	return nil
}
func (c *countSink) Close() error { return nil }

// TestSlowModelDropsStaleFrames: with a model slower than the source the
// latest-frame policy drops (and counts) frames instead of queueing them.
func TestSlowModelDropsStaleFrames(t *testing.T) {
	src, err := camera.Open("testsrc:64x48", camera.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	sink := &countSink{n: 20, cancel: cancel, t: t}
	p := New(src, &slowDetector{delay: 5 * time.Millisecond}, []Sink{sink}, Options{DropStale: true})
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

// TestSlowPreviewClientDoesNotStall: a client that never reads its MJPEG
// stream must not block OnFrame (the pipeline's detection goroutine).
func TestSlowPreviewClientDoesNotStall(t *testing.T) {
	srv := NewServer(func() Stats { return Stats{} }, "", 4)
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer(ln.Addr().String())
	go hs.Serve(ln)
	defer hs.Close()
	stuck, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	io.WriteString(stuck, "GET /stream.mjpg HTTP/1.1\r\nHost: x\r\n\r\n") // and never read
	for srv.clients.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7919 >> 3) // noise: big JPEGs fill the socket
	}
	r := &Result{Width: 320, Height: 240}
	for i := range 300 {
		r.Frame = uint64(i)
		srv.OnFrame(r, img)
	}
	// A well-behaved client still gets frames.
	resp, err := http.Get("http://" + ln.Addr().String() + "/detections")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := 300; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			r2 := &Result{Frame: uint64(i), Width: 320, Height: 240}
			srv.OnFrame(r2, img)
			time.Sleep(time.Millisecond)
		}
	}()
	buf := make([]byte, 64)
	n, err := resp.Body.Read(buf)
	if err != nil || n < 6 || string(buf[:6]) != "data: " {
		t.Fatalf("SSE read %q, %v", buf[:n], err)
	}
}
