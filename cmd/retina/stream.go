package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/stream"
)

// maxPreviewClients caps concurrent MJPEG and SSE streams.
const maxPreviewClients = 8

// streamReady, if set (by tests), receives the preview server's address once
// it listens.
var streamReady func(addr string)

func runStream(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("stream", "stream [flags]", stderr)
	mf := addModelFlags(fs)
	df := addDetectFlags(fs)
	source := fs.String("source", "v4l2:/dev/video0", "frame `SOURCE`: "+camera.SpecForms)
	size := fs.String("size", "", "camera frame size `WxH` (V4L2; default 640x480)")
	fps := fs.Float64("fps", 0, "frame rate asked of the source (0: as fast as frames come)")
	asJSON := fs.Bool("json", false, "print one JSON line per processed frame")
	httpAddr := fs.String("http", "", "serve the live preview on `ADDR` (e.g. 127.0.0.1:8080)")
	token := fs.String("http-token", "", "require this `TOKEN` (?token= or Bearer) on every preview request")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (the source is given with --source)", fs.Arg(0))
	}
	opts, err := df.options()
	if err != nil {
		return err
	}
	copts := camera.Options{FPS: *fps}
	if *fps < 0 || *fps > 1000 {
		return usagef("--fps %g: want 0..1000", *fps)
	}
	if *size != "" {
		w, h, ok := parseSize(*size)
		if !ok {
			return usagef("--size %q: want WxH, e.g. 640x480", *size)
		}
		copts.Width, copts.Height = w, h
	}
	if *httpAddr != "" {
		if _, _, err := net.SplitHostPort(*httpAddr); err != nil {
			return usagef("--http %q: want HOST:PORT, e.g. 127.0.0.1:8080", *httpAddr)
		}
	}
	det, closeModel, err := mf.detector(opts)
	if err != nil {
		return err
	}
	defer closeModel()
	src, err := camera.Open(*source, copts)
	if err != nil {
		return err
	}
	defer src.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var sinks []stream.Sink
	if *asJSON {
		sinks = append(sinks, stream.NewJSONLines(stdout))
	}
	var popts stream.Options
	// Files and folders are processed frame by frame; live sources keep
	// only the newest frame.
	popts.DropStale = !isFileSource(*source)
	var p *stream.Pipeline
	var srv *stream.Server
	var hs *http.Server
	if *httpAddr != "" {
		srv = stream.NewServer(func() stream.Stats { return p.Stats() }, *token, maxPreviewClients)
		popts.OnFrame = srv.OnFrame
		ln, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			return fmt.Errorf("--http: %w", err)
		}
		hs = srv.HTTPServer(*httpAddr)
		go hs.Serve(ln)
		fmt.Fprintf(stderr, "retina stream: preview on http://%s/\n", ln.Addr())
		if streamReady != nil {
			streamReady(ln.Addr().String())
		}
	}
	p = stream.New(src, det, sinks, popts)
	runErr := p.Run(ctx)
	if srv != nil {
		srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		hs.Shutdown(sctx)
		cancel()
	}
	var closeErr error
	for _, k := range sinks {
		closeErr = errors.Join(closeErr, k.Close())
	}
	st := p.Stats()
	fmt.Fprintf(stderr, "retina stream: %d frames, %d dropped, %.1f fps, latency p50 %.1f ms p95 %.1f ms\n",
		st.Frames, st.Drops, st.FPS, float64(st.P50)/1e6, float64(st.P95)/1e6)
	return errors.Join(runErr, closeErr)
}

// isFileSource: MJPEG files, folders and single images (not stdin, HTTP,
// V4L2 or the test source).
func isFileSource(spec string) bool {
	switch {
	case spec == "mjpeg:-", strings.HasPrefix(spec, "v4l2:"), strings.HasPrefix(spec, "testsrc:"),
		strings.HasPrefix(spec, "http://"), strings.HasPrefix(spec, "https://"):
		return false
	}
	return true
}

func parseSize(s string) (w, h int, ok bool) {
	a, b, found := strings.Cut(strings.ToLower(s), "x")
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || w < 16 || h < 16 || w > 8192 || h > 8192 {
		return 0, 0, false
	}
	return w, h, true
}
