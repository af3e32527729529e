package camera

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// link is one connection to a live camera: a V4L2 device opened and
// streaming, or one HTTP response. A liveSource dials a new link whenever
// the current one fails.
type link interface {
	// next fills f's Data, Format, Width and Height with the next frame,
	// skipping damaged ones; an error means the link is lost.
	next(f *Frame) error
	// abort makes a next in progress, or the next call, fail soon with an
	// error wrapping errLinkAborted. Safe from any goroutine.
	abort()
	// close frees the link. Safe more than once and while next runs (for
	// V4L2 it then waits for the device's current poll, up to a second).
	close()
	// describe says what the link delivers, for Source.Describe.
	describe() string
}

// errLinkAborted ends a link's next after abort.
var errLinkAborted = errors.New("connection given up")

// liveConfig is one kind of live camera, for openLive.
type liveConfig struct {
	name     string // the source in events and errors (a URL without its password)
	describe string // Describe while no link is up
	// dial opens a link; ctx ending abandons the dial (not a link it returned).
	dial func(ctx context.Context) (link, error)
	// overlap: on a stall keep reading the stalled link while new ones are
	// dialled, and drop it only when one connects. A single-client server
	// (ffmpeg -listen 1) that was paused accepts no second connection but
	// resumes on the first. Without overlap (V4L2, whose device opens once)
	// the stalled link is closed before re-dialling.
	overlap bool
	// limit: hold the source to Options.FPS with this policy (V4L2 does not:
	// the device is asked for the rate).
	limit  bool
	policy RatePolicy
}

// permanentError marks a failure at Open that re-trying will not cure (a
// refused password, a device that is not a camera): Open reports it at once.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

func isPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// liveSource is what Open returns for a live camera: the re-connecting core,
// read directly or through a rate limiter.
type liveSource struct {
	Source // core, or a RateLimiter over it
	core   *liveCore
}

// Status reports the camera's health; safe from any goroutine.
func (s *liveSource) Status() Status { return s.core.Status() }

// openLive dials once, so that a permanent failure is an error now; any
// other failure leaves the source down and re-connecting in the background.
func openLive(cfg liveConfig, opts Options) (*liveSource, error) {
	s := newLiveCore(cfg, opts)
	l, err := cfg.dial(s.life)
	if err != nil && isPermanent(err) {
		s.Close()
		return nil, fmt.Errorf("camera: %s: %w", cfg.name, err)
	}
	if err != nil {
		s.failed(nil, err)
	} else {
		s.mu.Lock()
		s.cur = l
		s.mu.Unlock()
	}
	out := &liveSource{Source: s, core: s}
	if cfg.limit && opts.FPS > 0 {
		out.Source = LimitRate(s, opts.FPS, cfg.policy)
	}
	return out, nil
}

// liveCore delivers frames from a sequence of links: it dials again with
// capped exponential back-off after an error, a lost connection or a stall
// (no frame within the stall timeout while Read waits), keeps counting frame
// numbers across links, and reports every change of state once.
type liveCore struct {
	cfg              liveConfig
	stall            time.Duration
	minWait, maxWait time.Duration
	onEvent          func(Event)
	sleep            func(ctx context.Context, d time.Duration) error // back-off waits; tests replace it

	ring       *frameRing
	life       context.Context // ends with Close
	lifeCancel context.CancelFunc
	ready      chan struct{} // capacity 1: the connector left a link in spare
	watchdog   *time.Timer   // fires stalled while Read waits too long
	wg         sync.WaitGroup

	evMu sync.Mutex // held across a state change and its event, so events go out in order
	mu   sync.Mutex // guards everything below
	cur  link       // the link Read reads
	// spare is a link the connector opened, waiting for Read to take it.
	spare       link
	connecting  bool
	stopConnect context.CancelFunc
	watchFrom   time.Time // when Read began waiting on cur; zero when not waiting
	wait        time.Duration
	down        bool // down since downSince (false while starting)
	downSince   time.Time
	closed      bool
	st          Status
}

func newLiveCore(cfg liveConfig, opts Options) *liveCore {
	lo, hi := opts.backoff()
	s := &liveCore{
		cfg:     cfg,
		stall:   opts.stallTimeout(),
		minWait: lo, maxWait: hi, wait: lo,
		onEvent: opts.OnEvent,
		sleep:   sleepCtx,
		ring:    newFrameRing(opts.buffers()),
		ready:   make(chan struct{}, 1),
	}
	s.life, s.lifeCancel = context.WithCancel(context.Background())
	s.watchdog = time.AfterFunc(time.Hour, s.stalled)
	s.watchdog.Stop()
	s.st.Since = time.Now()
	return s
}

// Read returns the next frame, waiting through outages; it fails only for
// ctx (while no link is up) or Close.
func (s *liveCore) Read(ctx context.Context) (*Frame, error) {
	f, err := s.ring.take(ctx)
	if err != nil {
		return nil, err
	}
	for {
		l, err := s.link(ctx)
		if err != nil {
			s.ring.putBack(f)
			return nil, err
		}
		s.watch()
		err = l.next(f)
		s.watchdog.Stop()
		if err == nil {
			s.ring.stamp(f, s.arrived())
			return f, nil
		}
		s.failed(l, err)
	}
}

// link returns the link to read, taking the connector's spare when the
// current one is gone, and waits for the connector while there is none.
func (s *liveCore) link(ctx context.Context) (link, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, fmt.Errorf("camera: %s: %w", s.cfg.name, errClosed)
		}
		if s.cur == nil && s.spare != nil {
			s.cur, s.spare = s.spare, nil
		}
		l := s.cur
		if l == nil {
			s.startConnecting()
		}
		s.mu.Unlock()
		if l != nil {
			return l, nil
		}
		select {
		case <-s.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.life.Done():
		}
	}
}

// watch arms the stall watchdog for one wait on the current link.
func (s *liveCore) watch() {
	s.mu.Lock()
	s.watchFrom = time.Now()
	s.mu.Unlock()
	s.watchdog.Reset(s.stall)
}

// arrived records a frame and returns its time; the first frame after an
// outage brings the source back up.
func (s *liveCore) arrived() time.Time {
	now := time.Now()
	s.mu.Lock()
	s.watchFrom = time.Time{}
	s.st.LastFrame = now
	up := s.st.Up
	s.mu.Unlock()
	if up {
		return now
	}
	s.evMu.Lock()
	defer s.evMu.Unlock()
	s.mu.Lock()
	var ev Event
	if !s.st.Up && !s.closed {
		if s.down {
			ev = Event{Kind: CameraBack, Time: now, Source: s.cfg.name, Outage: now.Sub(s.downSince)}
		}
		s.st.Up, s.st.Since, s.st.Err = true, now, ""
		s.down = false
		s.wait = s.minWait
		s.cancelConnecting() // the stalled link came back before a new one connected
	}
	s.mu.Unlock()
	s.emit(ev)
	return now
}

// failed drops link l (nil: the dial at Open failed) after err and starts
// re-connecting.
func (s *liveCore) failed(l link, err error) {
	s.evMu.Lock()
	defer s.evMu.Unlock()
	s.mu.Lock()
	s.watchFrom = time.Time{}
	if l != nil && s.cur == l {
		s.cur = nil
	}
	var ev Event
	// An abort is the watchdog's or a switch to a newly connected link:
	// the state and its cause are already recorded.
	if !s.closed && !errors.Is(err, errLinkAborted) {
		s.st.Err = err.Error()
		if !s.down {
			ev = Event{Kind: CameraDown, Time: time.Now(), Source: s.cfg.name, Err: err}
			s.goDown(ev.Time)
		}
	}
	if !s.closed && s.spare == nil {
		s.startConnecting()
	}
	s.mu.Unlock()
	if l != nil {
		l.close()
	}
	s.emit(ev)
}

// stalled runs on the watchdog's goroutine when Read has waited a stall
// timeout for a frame.
func (s *liveCore) stalled() {
	s.evMu.Lock()
	defer s.evMu.Unlock()
	s.mu.Lock()
	if s.closed || s.watchFrom.IsZero() || time.Since(s.watchFrom) < s.stall {
		s.mu.Unlock() // a late call for a wait that already ended
		return
	}
	silentSince := s.watchFrom
	s.watchFrom = time.Time{}
	s.st.Stalls++
	s.st.Err = "no frame for " + seconds(s.stall)
	var ev Event
	if !s.down {
		ev = Event{Kind: CameraStalled, Time: time.Now(), Source: s.cfg.name, Stall: s.stall}
		s.goDown(ev.Time)
		s.downSince = silentSince // the outage began with the silence
	}
	if s.cfg.overlap {
		s.startConnecting()
	} else if s.cur != nil {
		s.cur.abort()
	}
	s.mu.Unlock()
	s.emit(ev)
}

// goDown marks the source down; s.mu is held.
func (s *liveCore) goDown(t time.Time) {
	s.st.Up, s.st.Since = false, t
	s.down, s.downSince = true, t
}

// emit hands ev (if any) to OnEvent; s.evMu is held, s.mu is not.
func (s *liveCore) emit(ev Event) {
	if ev.Kind != 0 && s.onEvent != nil {
		s.onEvent(ev)
	}
}

// Status returns the source's health; safe from any goroutine.
func (s *liveCore) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Close stops the source: a Read waiting for a link or a frame returns
// (a V4L2 poll in progress first ends, within a second), the re-connecting
// goroutine exits, and the links are closed. Frames already handed out stay
// valid until released.
func (s *liveCore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cur, spare := s.cur, s.spare
	s.spare = nil
	s.cancelConnecting()
	s.mu.Unlock()
	s.lifeCancel()
	s.watchdog.Stop()
	if spare != nil {
		spare.close()
	}
	if cur != nil {
		cur.abort()
		cur.close()
	}
	s.wg.Wait()
	return nil
}

// Describe says what the current link delivers, or names the source while
// it is down.
func (s *liveCore) Describe() string {
	s.mu.Lock()
	l := s.cur
	s.mu.Unlock()
	if l != nil {
		return l.describe()
	}
	return s.cfg.describe
}

// errClosed is returned by Read after Close.
var errClosed = errors.New("source closed")

// sleepCtx waits d, returning early with ctx's error when it ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
