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
	setStreamUsage(fs, stderr)
	mf := addModelFlags(fs)
	df := addDetectFlags(fs, displayScoreThresh)
	source := fs.String("source", "v4l2:/dev/video0", "frame `SOURCE`: "+camera.SpecForms)
	size := fs.String("size", "", "camera frame size `WxH` (V4L2; default 640x480)")
	fps := fs.Float64("fps", 0, "frame rate asked of the source (0: the camera's own; testsrc: 30)")
	stallTimeout := fs.Duration("stall-timeout", 0, "a live camera that sends no frame for `DURATION` is stalled: down, and re-opened (0: the larger of 3s and 5 frame intervals at --fps)")
	configFile := fs.String("config", "", "read flags from the YAML `FILE` (keys are flag names: source: ..., fps: 5, zone: {porch: [x1,y1,...]}); flags on the command line override it")
	asJSON := fs.Bool("json", false, "print one JSON line per processed frame")
	ef := addEventFlags(fs)
	httpAddr := fs.String("http", "", "serve the live preview on `ADDR`: PORT or :PORT (127.0.0.1), HOST:PORT (e.g. 0.0.0.0:8080 for every interface)")
	token := fs.String("http-token", "", "require this `TOKEN` (?token= or Bearer) on every preview request")
	mq := addMQTTFlags(fs)
	headThreads := fs.Int("head-threads", 0, "give a float model's heads stage `N` threads of its own, overlapping with the backbone "+
		"(for cores to spare, e.g. --threads 2 --head-threads 2 on 4 cores); 0: the network stages take turns on --threads")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (the source is given with --source)", fs.Arg(0))
	}
	if *configFile != "" {
		if err := applyConfigFile(fs, *configFile, ef.configSections()); err != nil {
			return err
		}
	}
	logf := logLines(stderr) // one logger, so that lines from several goroutines never mix
	opts, err := df.options()
	if err != nil {
		return err
	}
	// A camera event reads as its own log line.
	copts := camera.Options{FPS: *fps, StallTimeout: *stallTimeout, OnEvent: func(e camera.Event) { logf("%v", e) }}
	if *fps < 0 || *fps > 1000 {
		return usagef("--fps %g: want 0..1000", *fps)
	}
	if *stallTimeout < 0 {
		return usagef("--stall-timeout %v: want a positive duration, e.g. 5s", *stallTimeout)
	}
	engine, err := ef.engine()
	if err != nil {
		return err
	}
	store, err := ef.snapshotStore()
	if err != nil {
		return err
	}
	if *size != "" {
		w, h, ok := parseSize(*size)
		if !ok {
			return usagef("--size %q: want WxH, e.g. 640x480", *size)
		}
		copts.Width, copts.Height = w, h
	}
	if *httpAddr != "" {
		addr, err := previewAddr(*httpAddr)
		if err != nil {
			return err
		}
		*httpAddr = addr
	}
	if *headThreads < 0 || *headThreads > 1024 {
		return usagef("--head-threads %d: want 0..1024", *headThreads)
	}
	if err := mq.check(); err != nil {
		return err
	}
	model, err := mf.load()
	if err != nil {
		return err
	}
	defer model.Close()
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
	if ef.print {
		sinks = append(sinks, stream.NewEventLines(stdout))
	}
	labels, err := mqttLabels(model.Config(), opts, ef)
	if err != nil {
		return err
	}
	if k, err := mq.sink(labels, logf); err != nil {
		return err
	} else if k != nil {
		sinks = append(sinks, k)
	}
	// Files and folders are processed frame by frame; live sources keep
	// only the newest frame.
	popts := stream.Options{Detect: opts, HeadThreads: *headThreads, DropStale: !isFileSource(*source), Events: engine}
	var p *stream.Pipeline
	var srv *stream.Server
	if *httpAddr != "" || *ef.snapshots != "" {
		snaps := newAsyncSnapshots(store, logf)
		defer snaps.Close()
		popts.Snapshots = []stream.SnapshotSaver{snaps}
	}
	if *httpAddr != "" {
		srv = stream.NewServer(func() stream.Stats { return p.Stats() }, *token, maxPreviewClients)
		defer srv.Close()
		srv.ServeSnapshots(store)
		popts.OnFrame = srv.OnFrame
	}
	if model.Float != nil {
		p, err = stream.New(src, model.Float, sinks, popts)
	} else {
		p, err = stream.NewNetwork(src, model.Int8, sinks, popts)
	}
	if err != nil {
		return closeSinks(sinks, err)
	}
	var hs *http.Server
	if *httpAddr != "" {
		ln, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			return closeSinks(sinks, fmt.Errorf("--http: %w", err))
		}
		hs = srv.HTTPServer(*httpAddr)
		go hs.Serve(ln)
		logf("preview on http://%s/ (also /latest.jpg, /events, /metrics)", ln.Addr())
		if *token == "" && !isLoopback(*httpAddr) {
			logf("warning: the preview is open to the network without --http-token")
		}
		if streamReady != nil {
			streamReady(ln.Addr().String())
		}
	}
	runErr := p.Run(ctx)
	if srv != nil {
		srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		hs.Shutdown(sctx)
		cancel()
	}
	st := p.Stats()
	logf("%d frames, %d dropped, %.1f fps, latency p50 %.1f ms p95 %.1f ms",
		st.Frames, st.Drops, st.FPS, float64(st.P50)/1e6, float64(st.P95)/1e6)
	if st.Frames > 0 {
		var b strings.Builder
		for i, sg := range st.Stages {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %.1f", sg.Name, float64(sg.Mean())/1e6)
		}
		logf("ms per frame by stage: %s", b.String())
	}
	return closeSinks(sinks, runErr)
}

// closeSinks closes every sink and joins their errors to err.
func closeSinks(sinks []stream.Sink, err error) error {
	for _, k := range sinks {
		err = errors.Join(err, k.Close())
	}
	return err
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
