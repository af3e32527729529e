package stream

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"image"
	stddraw "image/draw"
	"image/jpeg"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/draw"
)

// clientWriteTimeout: a preview client that accepts no bytes for this long
// is disconnected.
const clientWriteTimeout = 10 * time.Second

// Server serves the live preview: / (the page), /stream.mjpg (multipart
// JPEG with boxes drawn), /detections (server-sent events) and /metrics
// (Prometheus text). Frames reach it through OnFrame, which never blocks:
// while the encoder is busy newer frames replace older ones, and each client
// gets only the newest encoded frame it has not yet sent.
type Server struct {
	stats      func() Stats
	token      string
	maxClients int32
	clients    atomic.Int32

	mu      sync.Mutex
	pending *image.RGBA // the newest frame not yet encoded
	dets    []detect.Detection
	frame   uint64
	has     bool
	wake    chan struct{}

	subMu sync.Mutex
	subs  map[chan *update]struct{}

	done chan struct{}
	once sync.Once
}

// update is one encoded frame and its SSE message, shared by every client.
type update struct {
	jpeg []byte
	sse  []byte
}

// NewServer makes a preview server; stats reports the pipeline's figures,
// token (if not empty) must be given as ?token= or a Bearer header, and at
// most maxClients streams (MJPEG or SSE) are served at once.
func NewServer(stats func() Stats, token string, maxClients int) *Server {
	s := &Server{stats: stats, token: token, maxClients: int32(maxClients),
		wake: make(chan struct{}, 1), subs: map[chan *update]struct{}{}, done: make(chan struct{})}
	go s.encodeLoop()
	return s
}

// OnFrame hands the server a processed frame; use it as Options.OnFrame.
func (s *Server) OnFrame(r *Result, img image.Image) {
	s.subMu.Lock()
	n := len(s.subs)
	s.subMu.Unlock()
	if n == 0 {
		return // nobody watching: skip the copy and the encode
	}
	s.mu.Lock()
	b := img.Bounds()
	if s.pending == nil || s.pending.Rect.Size() != b.Size() {
		s.pending = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	}
	stddraw.Draw(s.pending, s.pending.Rect, img, b.Min, stddraw.Src)
	s.dets = append(s.dets[:0], r.Detections...)
	s.frame = r.Frame
	s.has = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Close stops the encoder and ends every open stream.
func (s *Server) Close() error {
	s.once.Do(func() { close(s.done) })
	return nil
}

type sseMessage struct {
	Frame      uint64             `json:"frame"`
	FPS        float64            `json:"fps"`
	P50        float64            `json:"p50_ms"`
	P95        float64            `json:"p95_ms"`
	Frames     uint64             `json:"frames"`
	Drops      uint64             `json:"drops"`
	Detections []detect.Detection `json:"detections"`
}

func (s *Server) encodeLoop() {
	var work *image.RGBA
	var dets []detect.Detection
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
		}
		s.mu.Lock()
		if !s.has {
			s.mu.Unlock()
			continue
		}
		if work == nil || work.Rect != s.pending.Rect {
			work = image.NewRGBA(s.pending.Rect)
		}
		copy(work.Pix, s.pending.Pix)
		dets = append(dets[:0], s.dets...)
		frame := s.frame
		s.has = false
		s.mu.Unlock()

		boxes := make([]draw.Box, len(dets))
		for i, d := range dets {
			boxes[i] = draw.Box{X1: d.Box[0], Y1: d.Box[1], X2: d.Box[2], Y2: d.Box[3], Label: d.Label, Score: d.Score, Class: d.Class}
		}
		draw.Draw(work, boxes)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, work, &jpeg.Options{Quality: 80}); err != nil {
			continue
		}
		st := s.stats()
		msg := sseMessage{Frame: frame, FPS: st.FPS, P50: ms(st.P50), P95: ms(st.P95), Frames: st.Frames, Drops: st.Drops,
			Detections: append([]detect.Detection{}, dets...)}
		js, _ := json.Marshal(msg)
		u := &update{jpeg: buf.Bytes(), sse: js}
		s.subMu.Lock()
		for ch := range s.subs {
			// Replace an unsent older update: a slow client skips frames
			// instead of holding anyone up.
			select {
			case <-ch:
			default:
			}
			ch <- u
		}
		s.subMu.Unlock()
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.auth(s.servePage))
	mux.HandleFunc("GET /stream.mjpg", s.auth(s.serveMJPEG))
	mux.HandleFunc("GET /detections", s.auth(s.serveSSE))
	mux.HandleFunc("GET /metrics", s.auth(s.serveMetrics))
	return mux
}

// HTTPServer wraps Handler with read, write and idle timeouts (streams
// extend their own write deadline per frame).
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{Addr: addr, Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: clientWriteTimeout, IdleTimeout: 60 * time.Second}
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	if s.token == "" {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		got := r.URL.Query().Get("token")
		if a := r.Header.Get("Authorization"); len(a) > 7 && a[:7] == "Bearer " {
			got = a[7:]
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) != 1 {
			http.Error(w, "missing or wrong token", http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprint(w, previewPage)
}

// subscribe registers a streaming client, or reports that the cap is reached.
func (s *Server) subscribe(w http.ResponseWriter) (chan *update, bool) {
	if s.clients.Add(1) > s.maxClients {
		s.clients.Add(-1)
		http.Error(w, "too many preview clients", http.StatusServiceUnavailable)
		return nil, false
	}
	ch := make(chan *update, 1)
	s.subMu.Lock()
	s.subs[ch] = struct{}{}
	s.subMu.Unlock()
	return ch, true
}

func (s *Server) unsubscribe(ch chan *update) {
	s.subMu.Lock()
	delete(s.subs, ch)
	s.subMu.Unlock()
	s.clients.Add(-1)
}

// stream sends each update with write, extending the write deadline per
// update, until the client leaves or the server closes.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, write func(*update) error) {
	ch, ok := s.subscribe(w)
	if !ok {
		return
	}
	defer s.unsubscribe(ch)
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil { // headers now: clients see the stream open at once
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case u := <-ch:
			_ = rc.SetWriteDeadline(time.Now().Add(clientWriteTimeout))
			if write(u) != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

const boundary = "retinaframe"

func (s *Server) serveMJPEG(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary="+boundary)
	w.Header().Set("Cache-Control", "no-store")
	s.stream(w, r, func(u *update) error {
		if _, err := fmt.Fprintf(w, "--%s\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", boundary, len(u.jpeg)); err != nil {
			return err
		}
		if _, err := w.Write(u.jpeg); err != nil {
			return err
		}
		_, err := w.Write([]byte("\r\n"))
		return err
	})
}

func (s *Server) serveSSE(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	s.stream(w, r, func(u *update) error {
		_, err := fmt.Fprintf(w, "data: %s\n\n", u.sse)
		return err
	})
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	st := s.stats()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	f := strconv.FormatFloat
	fmt.Fprintf(w, "# HELP retina_frames_total Frames processed.\n# TYPE retina_frames_total counter\nretina_frames_total %d\n", st.Frames)
	fmt.Fprintf(w, "# HELP retina_dropped_frames_total Frames dropped for newer ones.\n# TYPE retina_dropped_frames_total counter\nretina_dropped_frames_total %d\n", st.Drops)
	fmt.Fprintf(w, "# HELP retina_fps Processed frames per second.\n# TYPE retina_fps gauge\nretina_fps %s\n", f(st.FPS, 'g', -1, 64))
	fmt.Fprintf(w, "# HELP retina_latency_seconds Capture-to-result latency over recent frames.\n# TYPE retina_latency_seconds summary\n")
	fmt.Fprintf(w, "retina_latency_seconds{quantile=\"0.5\"} %s\n", f(st.P50.Seconds(), 'g', -1, 64))
	fmt.Fprintf(w, "retina_latency_seconds{quantile=\"0.95\"} %s\n", f(st.P95.Seconds(), 'g', -1, 64))
	fmt.Fprintf(w, "# HELP retina_stage_busy_seconds_total Time each pipeline stage spent working (waits excluded).\n# TYPE retina_stage_busy_seconds_total counter\n")
	for _, sg := range st.Stages {
		fmt.Fprintf(w, "retina_stage_busy_seconds_total{stage=%q} %s\n", sg.Name, f(sg.Busy.Seconds(), 'g', -1, 64))
	}
	fmt.Fprintf(w, "# HELP retina_clients Open preview streams.\n# TYPE retina_clients gauge\nretina_clients %d\n", s.clients.Load())
}
