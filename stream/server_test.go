package stream

import (
	"image"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

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
