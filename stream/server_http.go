package stream

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Handler returns the server's routes:
//
//	/                         the preview page
//	/stream.mjpg              multipart JPEG, boxes drawn
//	/latest.jpg               the newest frame, boxes drawn (a still camera)
//	/detections               server-sent events: each frame's detections and stats
//	/events                   the recent events as JSON, newest first
//	/events/ID/snapshot.jpg   an event's best frame
//	/metrics                  Prometheus text
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.auth(s.servePage))
	mux.HandleFunc("GET /stream.mjpg", s.auth(s.serveMJPEG))
	mux.HandleFunc("GET /latest.jpg", s.auth(s.serveLatest))
	mux.HandleFunc("GET /detections", s.auth(s.serveSSE))
	mux.HandleFunc("GET /events", s.auth(s.serveEvents))
	mux.HandleFunc("GET /events/{id}/snapshot.jpg", s.auth(s.serveSnapshot))
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

// subscribe registers a streaming client, or reports that the cap is
// reached. The client starts with the newest encoded frame, so that a
// preview opened while the camera is down still shows its last picture.
func (s *Server) subscribe(w http.ResponseWriter) (chan *update, bool) {
	if s.clients.Add(1) > s.maxClients {
		s.clients.Add(-1)
		http.Error(w, "too many preview clients", http.StatusServiceUnavailable)
		return nil, false
	}
	ch := make(chan *update, 1)
	if u := s.last.Load(); u != nil {
		ch <- u
	}
	s.subMu.Lock()
	s.subs[ch] = struct{}{}
	s.subMu.Unlock()
	select {
	case s.wake <- struct{}{}: // encode the newest frame now, not at the next one
	default:
	}
	return ch, true
}

func (s *Server) unsubscribe(ch chan *update) {
	s.subMu.Lock()
	delete(s.subs, ch)
	s.subMu.Unlock()
	s.clients.Add(-1)
}

// stream writes start, then each update with write, extending the write
// deadline per update, until the client leaves or the server closes.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, start string, write func(*update) error) {
	ch, ok := s.subscribe(w)
	if !ok {
		return
	}
	defer s.unsubscribe(ch)
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, start); err != nil || rc.Flush() != nil { // clients see the stream open at once
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

// partHead opens a part: the boundary line and the headers. Parts carry no
// Content-Length (the boundary ends them), so that the next part's head can
// be sent before its picture exists.
const partHead = "--" + boundary + "\r\nContent-Type: image/jpeg\r\n\r\n"

// serveMJPEG sends each picture followed at once by the boundary that ends
// it and the next part's headers: a browser shows a part only once it has
// parsed the next part's headers (Chromium), so anything less would show
// every picture one frame late, which at 1 fps is a second behind the
// detection list.
func (s *Server) serveMJPEG(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "multipart/x-mixed-replace; boundary="+boundary)
	w.Header().Set("Cache-Control", "no-store")
	s.stream(w, r, partHead, func(u *update) error {
		if u.jpeg == nil {
			return nil // a status refresh: no new picture
		}
		if _, err := w.Write(u.jpeg); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\r\n"+partHead)
		return err
	})
}

func (s *Server) serveSSE(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	s.stream(w, r, "", func(u *update) error {
		_, err := fmt.Fprintf(w, "data: %s\n\n", u.sse)
		return err
	})
}

// serveLatest sends the newest frame with boxes drawn; X-Retina-Frame says
// which frame it is.
func (s *Server) serveLatest(w http.ResponseWriter, r *http.Request) {
	u, ok := s.latestJPEG()
	if !ok {
		http.Error(w, "no frame yet", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("X-Retina-Frame", strconv.FormatUint(u.frame, 10))
	sendJPEG(w, u.jpeg)
}

func sendJPEG(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(s.recent.list())
}

func (s *Server) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	b, ok := s.snapshot(r.PathValue("id"))
	if !ok {
		http.Error(w, "no snapshot for this event (the oldest are removed past the caps)", http.StatusNotFound)
		return
	}
	sendJPEG(w, b)
}
