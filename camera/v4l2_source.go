package camera

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// V4L2Source captures from a Video4Linux2 device (see chooseFormat for the
// format rule). Frames are copied out of the driver's mmap buffers, which go
// straight back to the driver, so a slow consumer never starves it. When the
// device disappears the source closes it and re-opens it with capped
// exponential back-off inside Read, reporting through Options.OnEvent and
// counting in Stats; Read only returns an error for ctx or Close.
type V4L2Source struct {
	path  string
	opts  Options
	open  v4l2Opener
	sleep func(ctx context.Context, d time.Duration, stop <-chan struct{}) error

	ring   *frameRing
	stop   chan struct{}
	closed atomic.Bool

	mu     sync.Mutex // guards dev against Close while Read uses it
	dev    v4l2Device
	format formatChoice // what the device delivers
	note   string       // e.g. that the frame rate could not be set
	stall  int          // consecutive one-second waits without a frame

	frames, lost, reopened, reopenFailed, badFrames atomic.Uint64
}

// V4L2Stats counts what happened to a V4L2 source.
type V4L2Stats struct {
	Frames         uint64 // frames delivered
	Disconnects    uint64 // times the device was lost
	Reopens        uint64 // successful re-opens
	ReopenFailures uint64 // failed re-open attempts
	BadFrames      uint64 // frames skipped: empty, short YUYV, MJPEG without SOI
}

// OpenV4L2 opens a device such as /dev/video0. A device that cannot be opened
// or configured now is an error; re-opening only happens after a loss.
func OpenV4L2(path string, opts Options) (*V4L2Source, error) {
	return openV4L2With(path, opts, openWebcam)
}

func openV4L2With(path string, opts Options, open v4l2Opener) (*V4L2Source, error) {
	s := &V4L2Source{
		path:  path,
		opts:  opts,
		open:  open,
		sleep: sleepOrStop,
		ring:  newFrameRing(opts.buffers()),
		stop:  make(chan struct{}),
	}
	if err := s.connect(); err != nil {
		return nil, fmt.Errorf("camera: v4l2:%s: %w", path, err)
	}
	return s, nil
}

// connect opens and configures the device and starts streaming.
func (s *V4L2Source) connect() error {
	dev, err := s.open(s.path)
	if err != nil {
		return err
	}
	w, h := s.opts.size()
	choice, err := chooseFormat(dev.Formats(), dev.FrameSizes, w, h)
	var got formatChoice
	var note string
	if err == nil {
		got, note, err = s.configure(dev, choice)
	}
	if err != nil {
		dev.Close()
		return err
	}
	s.mu.Lock()
	s.dev, s.format, s.note, s.stall = dev, got, note, 0
	s.mu.Unlock()
	return nil
}

// configure sets format, size, rate and buffers and starts streaming. It
// returns what the driver set and a note on what it refused.
func (s *V4L2Source) configure(dev v4l2Device, choice formatChoice) (formatChoice, string, error) {
	code, w, h, err := dev.SetFormat(choice.fourcc, uint32(choice.width), uint32(choice.height))
	if err != nil {
		return formatChoice{}, "", fmt.Errorf("set format %s %dx%d: %w", fourccString(choice.fourcc), choice.width, choice.height, err)
	}
	if code != fourccMJPEG && code != fourccYUYV {
		return formatChoice{}, "", fmt.Errorf("asked for %s, the driver set %s", fourccString(choice.fourcc), fourccString(code))
	}
	if w == 0 || h == 0 || w > 1<<14 || h > 1<<14 {
		return formatChoice{}, "", fmt.Errorf("the driver set an unusable frame size %dx%d", w, h)
	}
	note := ""
	if s.opts.FPS > 0 {
		if err := dev.SetFramerate(float32(s.opts.FPS)); err != nil {
			note = fmt.Sprintf("; frame rate not set (%v)", err)
		}
	}
	if err := dev.SetBufferCount(uint32(s.opts.buffers())); err != nil {
		return formatChoice{}, "", fmt.Errorf("set buffer count: %w", err)
	}
	if err := dev.StartStreaming(); err != nil {
		return formatChoice{}, "", fmt.Errorf("start streaming: %w", err)
	}
	return formatChoice{code, int(w), int(h)}, note, nil
}

// Read returns the next frame, re-opening the device as often as needed.
func (s *V4L2Source) Read(ctx context.Context) (*Frame, error) {
	f, err := s.ring.take(ctx)
	if err != nil {
		return nil, err
	}
	for {
		if err := s.checkOpen(ctx); err != nil {
			s.ring.putBack(f)
			return nil, err
		}
		if s.devNil() {
			if err := s.reopen(ctx); err != nil {
				s.ring.putBack(f)
				return nil, err
			}
		}
		ok, lostErr := s.capture(f)
		if lostErr != nil {
			s.markLost(lostErr)
			if !ok {
				continue
			}
		}
		if ok {
			s.frames.Add(1)
			s.ring.stamp(f, time.Now())
			return f, nil
		}
	}
}

func (s *V4L2Source) checkOpen(ctx context.Context) error {
	if s.closed.Load() {
		return fmt.Errorf("camera: v4l2:%s: %w", s.path, errClosed)
	}
	return ctx.Err()
}

func (s *V4L2Source) devNil() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dev == nil
}

// capture waits up to a second for one frame and copies it into f. ok says f
// holds a frame; lost is set when the device failed and must be re-opened.
func (s *V4L2Source) capture(f *Frame) (ok bool, lost error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dev == nil {
		return false, nil
	}
	err := s.dev.WaitForFrame(1)
	switch {
	case err == errWaitTimeout:
		s.stall++
		if time.Duration(s.stall)*time.Second >= orDefault(s.opts.StallTimeout, defaultStallTimeout) {
			return false, fmt.Errorf("no frame for %d s", s.stall)
		}
		return false, nil
	case isRetryable(err):
		return false, nil
	case err != nil:
		return false, err
	}
	data, index, err := s.dev.GetFrame()
	if isRetryable(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	s.stall = 0
	ok = s.accept(data)
	if ok {
		f.Data = append(f.Data[:0], data...)
		f.Format, f.Width, f.Height = s.pixelFormat(), s.format.width, s.format.height
	} else {
		s.badFrames.Add(1)
	}
	if err := s.dev.ReleaseFrame(index); err != nil {
		return ok, err
	}
	return ok, nil
}

// accept rejects frames a driver hands over damaged.
func (s *V4L2Source) accept(data []byte) bool {
	if s.format.fourcc == fourccYUYV {
		return len(data) >= s.format.width*s.format.height*2
	}
	return len(data) >= 4 && data[0] == 0xFF && data[1] == 0xD8
}

func (s *V4L2Source) pixelFormat() PixelFormat {
	if s.format.fourcc == fourccYUYV {
		return YUYV
	}
	return MJPEG
}

func isRetryable(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR)
}

func (s *V4L2Source) markLost(cause error) {
	s.mu.Lock()
	if s.dev != nil {
		s.dev.Close()
		s.dev = nil
	}
	s.mu.Unlock()
	s.lost.Add(1)
	s.report(Event{Kind: DeviceLost, Device: s.path, Err: cause})
}

// reopen retries connect with capped exponential back-off until it works or
// ctx ends or the source is closed.
func (s *V4L2Source) reopen(ctx context.Context) error {
	wait := orDefault(s.opts.ReopenMin, defaultReopenMin)
	maxWait := orDefault(s.opts.ReopenMax, defaultReopenMax)
	for attempt := 1; ; attempt++ {
		if err := s.sleep(ctx, wait, s.stop); err != nil {
			if s.closed.Load() {
				return fmt.Errorf("camera: v4l2:%s: %w", s.path, errClosed)
			}
			return err
		}
		err := s.connect()
		if err == nil {
			s.reopened.Add(1)
			s.report(Event{Kind: DeviceBack, Device: s.path, Attempt: attempt})
			return nil
		}
		s.reopenFailed.Add(1)
		wait = min(2*wait, maxWait)
		s.report(Event{Kind: ReopenFailed, Device: s.path, Err: err, Attempt: attempt, Wait: wait})
	}
}

func (s *V4L2Source) report(e Event) {
	if s.opts.OnEvent != nil {
		s.opts.OnEvent(e)
	}
}

// Stats returns the source's counters; safe to call from any goroutine.
func (s *V4L2Source) Stats() V4L2Stats {
	return V4L2Stats{
		Frames:         s.frames.Load(),
		Disconnects:    s.lost.Load(),
		Reopens:        s.reopened.Load(),
		ReopenFailures: s.reopenFailed.Load(),
		BadFrames:      s.badFrames.Load(),
	}
}

// Close stops streaming and closes the device; a Read in progress returns
// within about a second.
func (s *V4L2Source) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(s.stop)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dev == nil {
		return nil
	}
	err := s.dev.Close()
	s.dev = nil
	return err
}

// Describe names the device and what it delivers.
func (s *V4L2Source) Describe() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := fmt.Sprintf("V4L2 %s: %s %dx%d", s.path, s.pixelFormat(), s.format.width, s.format.height)
	if s.opts.FPS > 0 {
		d += fmt.Sprintf(" at %g fps", s.opts.FPS)
	}
	return d + s.note
}

// errClosed is returned by Read after Close.
var errClosed = errors.New("source closed")

// sleepOrStop waits d, returning early with an error when ctx ends or stop closes.
func sleepOrStop(ctx context.Context, d time.Duration, stop <-chan struct{}) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-stop:
		return errClosed
	}
}
