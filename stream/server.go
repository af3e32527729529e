package stream

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"sync"
	"sync/atomic"
	"time"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/draw"
)

// clientWriteTimeout: a preview client that accepts no bytes for this long
// is disconnected.
const clientWriteTimeout = 10 * time.Second

// statusInterval: while no frame arrives (the camera is down), the preview's
// stats and camera state are still refreshed this often.
const statusInterval = time.Second

// Server serves the live preview and the camera's still picture, events and
// metrics (see Handler). Frames reach it through OnFrame, which never
// blocks: while the encoder is busy newer frames replace older ones, and
// each client gets only the newest encoded frame it has not yet sent.
type Server struct {
	stats      func() Stats
	token      string
	maxClients int32
	clients    atomic.Int32

	mu     sync.Mutex
	newest *image.RGBA // the newest frame, as published
	dets   []detect.Detection
	frame  uint64
	seen   bool // a frame has arrived
	fresh  bool // newest is not yet encoded
	wake   chan struct{}

	last atomic.Pointer[update] // the newest encoded frame

	recent recentEvents
	snapMu sync.Mutex
	snaps  SnapshotSource

	subMu sync.Mutex
	subs  map[chan *update]struct{}

	done chan struct{}
	once sync.Once
}

// update is one encoded frame (jpeg nil: a status refresh without a new
// frame) and its SSE message, shared by every client.
type update struct {
	frame uint64
	jpeg  []byte
	sse   []byte
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
// It keeps a copy of the newest picture (for /latest.jpg) and the frame's
// events; the JPEG encoding happens on the server's own goroutine, and only
// while someone watches.
func (s *Server) OnFrame(r *Result, img image.Image) {
	s.recent.add(r.Events)
	if r.Frameless {
		return // the picture stays the last one
	}
	s.mu.Lock()
	s.newest = copyPicture(s.newest, img)
	s.dets = append(s.dets[:0], r.Detections...)
	s.frame = r.Frame
	s.seen, s.fresh = true, true
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

// sseMessage is what /detections sends per frame (and per status refresh).
type sseMessage struct {
	Frame       uint64             `json:"frame"`
	FPS         float64            `json:"fps"`
	P50         float64            `json:"p50_ms"`
	P95         float64            `json:"p95_ms"`
	Frames      uint64             `json:"frames"`
	Drops       uint64             `json:"drops"`
	CameraUp    bool               `json:"camera_up"`
	CameraError string             `json:"camera_error,omitempty"`
	CameraSince *time.Time         `json:"camera_since,omitempty"`
	EventsTotal uint64             `json:"events_total"`
	Detections  []detect.Detection `json:"detections"`
}

// encoder is the encode loop's reused state.
type encoder struct {
	pic   *image.RGBA
	dets  []detect.Detection
	boxes []draw.Box
}

func (s *Server) encodeLoop() {
	var e encoder
	tick := time.NewTicker(statusInterval)
	defer tick.Stop()
	var sent uint64 // updates since the last tick
	for {
		select {
		case <-s.done:
			return
		case <-tick.C:
			if sent == 0 && s.watched() {
				s.broadcast(s.statusUpdate())
			}
			sent = 0
			continue
		case <-s.wake:
		}
		if !s.watched() {
			continue
		}
		if u := s.encodeNewest(&e); u != nil {
			s.last.Store(u)
			s.broadcast(u)
			sent++
		}
	}
}

// encodeNewest encodes the newest frame if it is not yet encoded.
func (s *Server) encodeNewest(e *encoder) *update {
	s.mu.Lock()
	if !s.fresh {
		s.mu.Unlock()
		return nil
	}
	e.pic = copyPicture(e.pic, s.newest)
	e.dets = append(e.dets[:0], s.dets...)
	frame := s.frame
	s.fresh = false
	s.mu.Unlock()
	return s.encode(e, frame)
}

// encode draws e's detections on e's picture and makes the update.
func (s *Server) encode(e *encoder, frame uint64) *update {
	e.boxes = drawDetections(e.pic, e.dets, e.boxes)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, e.pic, &jpegQuality); err != nil {
		return nil // an in-memory RGBA picture does not fail to encode
	}
	return &update{frame: frame, jpeg: buf.Bytes(), sse: s.message(frame, e.dets)}
}

// statusUpdate repeats the newest frame's detections with fresh stats.
func (s *Server) statusUpdate() *update {
	s.mu.Lock()
	frame, dets := s.frame, append([]detect.Detection(nil), s.dets...)
	s.mu.Unlock()
	return &update{frame: frame, sse: s.message(frame, dets)}
}

func (s *Server) message(frame uint64, dets []detect.Detection) []byte {
	st := s.stats()
	up, since, why := cameraState(st)
	msg := sseMessage{Frame: frame, FPS: st.FPS, P50: ms(st.P50), P95: ms(st.P95), Frames: st.Frames, Drops: st.Drops,
		CameraUp: up, CameraError: why, EventsTotal: s.recent.total(), Detections: dets}
	if !since.IsZero() {
		msg.CameraSince = &since
	}
	if msg.Detections == nil {
		msg.Detections = []detect.Detection{}
	}
	js, _ := json.Marshal(msg) // plain numbers, strings and slices: cannot fail
	return js
}

// cameraState is the camera's health as the preview and /metrics show it:
// a source that does not report its health (a file) is up while it runs.
func cameraState(st Stats) (up bool, since time.Time, why string) {
	if !st.Live {
		return true, time.Time{}, ""
	}
	if st.Camera.Up {
		return true, st.Camera.Since, ""
	}
	return false, st.Camera.Since, st.Camera.Err
}

// watched: some client streams the preview.
func (s *Server) watched() bool {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	return len(s.subs) > 0
}

// broadcast hands u to every client, replacing an unsent older update: a
// slow client skips frames instead of holding anyone up.
func (s *Server) broadcast(u *update) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	for ch := range s.subs {
		select {
		case old := <-ch:
			if u.jpeg == nil && old.jpeg != nil {
				u = &update{frame: old.frame, jpeg: old.jpeg, sse: u.sse} // keep the unsent picture
			}
		default:
		}
		ch <- u
	}
}

// latestJPEG is the newest frame with its boxes drawn, encoded now unless
// the preview's encoder already did.
func (s *Server) latestJPEG() (*update, bool) {
	s.mu.Lock()
	if !s.seen {
		s.mu.Unlock()
		return nil, false
	}
	if u := s.last.Load(); u != nil && u.frame == s.frame && !s.fresh {
		s.mu.Unlock()
		return u, true
	}
	e := encoder{pic: copyPicture(nil, s.newest), dets: append([]detect.Detection(nil), s.dets...)}
	frame := s.frame
	s.mu.Unlock()
	u := s.encode(&e, frame)
	return u, u != nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
