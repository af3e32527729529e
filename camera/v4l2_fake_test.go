package camera

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"
)

// fakeWorld plays a USB camera beneath the webcam calls: what it offers, the
// frames it produces, and when it is unplugged and plugged back in.
type fakeWorld struct {
	mu sync.Mutex

	formats []uint32
	sizes   map[uint32][]frameSize
	// setFormat, if set, replaces the driver's answer to SetFormat.
	setFormat func(fourcc, w, h uint32) (uint32, uint32, uint32, error)
	// frame builds the bytes of frame n for the format and size that were set.
	frame func(n int, fourcc uint32, w, h int) []byte

	present     bool // whether the device node exists
	unplugAfter int  // frames until the device vanishes (0: never)
	absentFor   int  // open attempts that fail after an unplug
	lostErr     error
	timeouts    int  // WaitForFrame timeouts to give before the next frame
	stalled     bool // while set, WaitForFrame times out (after a short real wait)

	// observations
	opens, openFails, produced, closes int
	lastFormat                         [3]uint32
	lastFPS                            float32
	lastBuffers                        uint32
	violations                         []string
}

func (w *fakeWorld) open(path string) (v4l2Device, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.present {
		w.openFails++
		if w.absentFor > 0 {
			w.absentFor--
			if w.absentFor == 0 {
				w.present = true
			}
		}
		return nil, fmt.Errorf("cannot open: %w", syscall.ENOENT)
	}
	w.opens++
	return &fakeDevice{world: w, held: -1}, nil
}

func (w *fakeWorld) violate(format string, args ...any) {
	w.violations = append(w.violations, fmt.Sprintf(format, args...))
}

type fakeDevice struct {
	world     *fakeWorld
	closed    bool
	streaming bool
	fourcc    uint32
	w, h      int
	held      int // index of the dequeued buffer, -1 when none
	buf       []byte
	dead      bool
}

func (d *fakeDevice) Formats() []uint32 { return d.world.formats }

func (d *fakeDevice) FrameSizes(f uint32) []frameSize { return d.world.sizes[f] }

func (d *fakeDevice) SetFormat(f, w, h uint32) (uint32, uint32, uint32, error) {
	d.world.mu.Lock()
	defer d.world.mu.Unlock()
	if d.streaming {
		d.world.violate("SetFormat while streaming")
	}
	if d.world.setFormat != nil {
		f, w, h, err := d.world.setFormat(f, w, h)
		if err != nil {
			return 0, 0, 0, err
		}
		d.fourcc, d.w, d.h = f, int(w), int(h)
	} else {
		d.fourcc, d.w, d.h = f, int(w), int(h)
	}
	d.world.lastFormat = [3]uint32{d.fourcc, uint32(d.w), uint32(d.h)}
	return d.fourcc, uint32(d.w), uint32(d.h), nil
}

func (d *fakeDevice) SetFramerate(fps float32) error {
	d.world.mu.Lock()
	defer d.world.mu.Unlock()
	d.world.lastFPS = fps
	return nil
}

func (d *fakeDevice) SetBufferCount(n uint32) error {
	d.world.mu.Lock()
	defer d.world.mu.Unlock()
	if d.streaming {
		d.world.violate("SetBufferCount while streaming")
	}
	d.world.lastBuffers = n
	return nil
}

func (d *fakeDevice) StartStreaming() error {
	d.streaming = true
	return nil
}

// stalledPoll is how long the fake's WaitForFrame waits while stalled (a
// driver waits the whole timeout; the fake is quicker so tests are).
const stalledPoll = 5 * time.Millisecond

func (d *fakeDevice) WaitForFrame(timeout uint32) error {
	d.world.mu.Lock()
	if d.world.stalled {
		d.world.mu.Unlock()
		time.Sleep(stalledPoll)
		return errWaitTimeout
	}
	defer d.world.mu.Unlock()
	if !d.streaming || d.closed {
		d.world.violate("WaitForFrame before StartStreaming or after Close")
	}
	if d.dead {
		return d.world.lostErr
	}
	if d.world.timeouts > 0 {
		d.world.timeouts--
		return errWaitTimeout
	}
	return nil
}

func (d *fakeDevice) GetFrame() ([]byte, uint32, error) {
	w := d.world
	w.mu.Lock()
	defer w.mu.Unlock()
	if d.held >= 0 {
		w.violate("GetFrame while buffer %d is still dequeued", d.held)
	}
	if d.dead {
		return nil, 0, w.lostErr
	}
	if w.unplugAfter > 0 && w.produced == w.unplugAfter {
		w.unplugAfter = 0
		w.present = false
		d.dead = true
		return nil, 0, w.lostErr
	}
	data := w.frame(w.produced, d.fourcc, d.w, d.h)
	w.produced++
	d.buf = append(d.buf[:0], data...)
	d.held = w.produced % 4
	return d.buf, uint32(d.held), nil
}

func (d *fakeDevice) ReleaseFrame(index uint32) error {
	d.world.mu.Lock()
	defer d.world.mu.Unlock()
	if int(index) != d.held {
		d.world.violate("ReleaseFrame(%d) while %d is dequeued", index, d.held)
	}
	// Scribble over the mmap buffer, as the driver will: the source must
	// have copied the frame out already.
	for i := range d.buf {
		d.buf[i] = 0xEE
	}
	d.held = -1
	return nil
}

func (d *fakeDevice) Close() error {
	d.world.mu.Lock()
	defer d.world.mu.Unlock()
	if d.closed {
		return errors.New("closed twice")
	}
	d.closed = true
	d.world.closes++
	return nil
}

func discrete(w, h uint32) frameSize {
	return frameSize{MinWidth: w, MaxWidth: w, MinHeight: h, MaxHeight: h}
}
