package camera

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestChooseFormat(t *testing.T) {
	vga, hd := discrete(640, 480), discrete(1280, 720)
	qvga := discrete(320, 240)
	cases := []struct {
		name    string
		formats []uint32
		sizes   map[uint32][]frameSize
		w, h    int
		want    formatChoice
	}{
		{"MJPEG exact wins over YUYV exact", []uint32{fourccYUYV, fourccMJPEG},
			map[uint32][]frameSize{fourccMJPEG: {hd, vga}, fourccYUYV: {vga}}, 640, 480, formatChoice{fourccMJPEG, 640, 480}},
		{"YUYV exact wins over MJPEG near", []uint32{fourccMJPEG, fourccYUYV},
			map[uint32][]frameSize{fourccMJPEG: {hd}, fourccYUYV: {vga, qvga}}, 640, 480, formatChoice{fourccYUYV, 640, 480}},
		{"nearest size when nothing exact", []uint32{fourccMJPEG, fourccYUYV},
			map[uint32][]frameSize{fourccMJPEG: {hd, qvga}, fourccYUYV: {discrete(800, 600)}}, 640, 480, formatChoice{fourccYUYV, 800, 600}},
		{"tie between formats goes to MJPEG", []uint32{fourccYUYV, fourccMJPEG},
			map[uint32][]frameSize{fourccMJPEG: {discrete(800, 600)}, fourccYUYV: {discrete(800, 600)}}, 640, 480, formatChoice{fourccMJPEG, 800, 600}},
		{"tie within a format goes to the larger size", []uint32{fourccMJPEG},
			map[uint32][]frameSize{fourccMJPEG: {discrete(600, 440), discrete(680, 520)}}, 640, 480, formatChoice{fourccMJPEG, 680, 520}},
		{"only YUYV offered", []uint32{fourccYUYV, 0x3231564e},
			map[uint32][]frameSize{fourccYUYV: {qvga}}, 640, 480, formatChoice{fourccYUYV, 320, 240}},
		{"stepwise range holds the exact size", []uint32{fourccMJPEG},
			map[uint32][]frameSize{fourccMJPEG: {{MinWidth: 160, MaxWidth: 1920, StepWidth: 16, MinHeight: 120, MaxHeight: 1080, StepHeight: 8}}},
			640, 480, formatChoice{fourccMJPEG, 640, 480}},
		{"stepwise range rounds to its steps", []uint32{fourccMJPEG},
			map[uint32][]frameSize{fourccMJPEG: {{MinWidth: 160, MaxWidth: 1920, StepWidth: 16, MinHeight: 120, MaxHeight: 1080, StepHeight: 8}}},
			650, 483, formatChoice{fourccMJPEG, 656, 480}},
		{"stepwise range clamps", []uint32{fourccYUYV},
			map[uint32][]frameSize{fourccYUYV: {{MinWidth: 160, MaxWidth: 320, StepWidth: 1, MinHeight: 120, MaxHeight: 240, StepHeight: 1}}},
			640, 480, formatChoice{fourccYUYV, 320, 240}},
		{"unenumerated sizes take the asked size", []uint32{fourccMJPEG},
			map[uint32][]frameSize{}, 1024, 768, formatChoice{fourccMJPEG, 1024, 768}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := chooseFormat(c.formats, func(f uint32) []frameSize { return c.sizes[f] }, c.w, c.h)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %s %dx%d, want %s %dx%d", fourccString(got.fourcc), got.width, got.height,
					fourccString(c.want.fourcc), c.want.width, c.want.height)
			}
		})
	}
}

func TestChooseFormatNeitherOffered(t *testing.T) {
	_, err := chooseFormat([]uint32{0x3231564e, 0x34363248}, func(uint32) []frameSize { return nil }, 640, 480)
	if err == nil || !strings.Contains(err.Error(), "NV12") || !strings.Contains(err.Error(), "H264") {
		t.Fatalf("want an error listing NV12 and H264, got %v", err)
	}
}

// yuyvBars fills a YUYV frame with eight vertical bars whose colours depend
// on the frame number, so frames are told apart.
func yuyvBars(n int, w, h int) []byte {
	out := make([]byte, w*h*2)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x += 2 {
			bar := x * 8 / w
			i := (y*w + x) * 2
			out[i] = byte(16 + bar*28 + n)
			out[i+1] = byte(40 + bar*20)
			out[i+2] = byte(16 + bar*28 + n)
			out[i+3] = byte(230 - bar*20)
		}
	}
	return out
}

func newYUYVWorld() *fakeWorld {
	return &fakeWorld{
		formats: []uint32{fourccYUYV},
		sizes:   map[uint32][]frameSize{fourccYUYV: {discrete(64, 48), discrete(32, 24)}},
		frame: func(n int, f uint32, w, h int) []byte {
			return yuyvBars(n, w, h)
		},
		present: true,
		lostErr: syscall.ENODEV,
	}
}

func openFake(t *testing.T, w *fakeWorld, opts Options) (*liveSource, *backoffLog) {
	t.Helper()
	src, err := openV4L2With("/dev/video7", opts, w.open)
	if err != nil {
		t.Fatal(err)
	}
	bl := &backoffLog{}
	src.core.sleep = bl.sleep
	t.Cleanup(func() {
		src.Close()
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.violations) > 0 {
			t.Errorf("webcam API misuse: %v", w.violations)
		}
	})
	return src, bl
}

func TestV4L2YUYVFramesConverted(t *testing.T) {
	w := newYUYVWorld()
	src, _ := openFake(t, w, Options{Width: 64, Height: 48, FPS: 15, Buffers: 3})
	if w.lastFormat != [3]uint32{fourccYUYV, 64, 48} || w.lastFPS != 15 || w.lastBuffers != 3 {
		t.Fatalf("device set to %v at %v fps with %d buffers", w.lastFormat, w.lastFPS, w.lastBuffers)
	}
	rgb := make([]byte, 64*48*3)
	for n := 0; n < 5; n++ {
		f, err := src.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if f.Seq != uint64(n) || f.Format != YUYV || f.Width != 64 || f.Height != 48 {
			t.Fatalf("frame %d: seq %d %v %dx%d", n, f.Seq, f.Format, f.Width, f.Height)
		}
		if !bytes.Equal(f.Data, yuyvBars(n, 64, 48)) {
			t.Fatalf("frame %d: data differs from what the device produced", n)
		}
		if err := ConvertToRGB(rgb, f, FullRange); err != nil {
			t.Fatal(err)
		}
		// Every bar's pixels must be the BT.601 conversion of its samples.
		for bar := 0; bar < 8; bar++ {
			x := bar*8 + 3
			r, g, b := fullCoeffs.pixel(byte(16+bar*28+n), byte(40+bar*20), byte(230-bar*20))
			got := rgb[(10*64+x)*3:][:3]
			if got[0] != r || got[1] != g || got[2] != b {
				t.Fatalf("frame %d bar %d: got %v, want %v", n, bar, got, []byte{r, g, b})
			}
		}
		f.Release()
	}
	if st := src.Status(); !st.Up || st.Reconnects != 0 || st.Stalls != 0 || st.Err != "" {
		t.Errorf("status %+v", st)
	}
	if d := src.Describe(); !strings.Contains(d, "YUYV 64x48") {
		t.Errorf("Describe() = %q", d)
	}
}

func TestV4L2FrameOutlivesDriverBuffer(t *testing.T) {
	w := newYUYVWorld()
	src, _ := openFake(t, w, Options{Width: 32, Height: 24})
	a, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The fake scribbles over its buffer on release: held frames must not change.
	if !bytes.Equal(a.Data, yuyvBars(0, 32, 24)) || !bytes.Equal(b.Data, yuyvBars(1, 32, 24)) {
		t.Fatal("a held frame changed after the driver buffer was reused")
	}
	a.Release()
	b.Release()
}

func TestV4L2ReopensAfterUnplug(t *testing.T) {
	w := newYUYVWorld()
	w.unplugAfter = 3
	w.absentFor = 4
	events := newEventLog()
	src, bl := openFake(t, w, Options{
		Width: 64, Height: 48,
		ReopenMin: 10 * time.Millisecond, ReopenMax: 50 * time.Millisecond,
		OnEvent: events.add,
	})
	for n := 0; n < 6; n++ {
		f, err := src.Read(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if f.Seq != uint64(n) || !bytes.Equal(f.Data, yuyvBars(n, 64, 48)) {
			t.Fatalf("frame %d: seq %d or data wrong across the re-open", n, f.Seq)
		}
		f.Release()
	}
	wantWaits := []time.Duration{10, 20, 40, 50, 50}
	for i := range wantWaits {
		wantWaits[i] *= time.Millisecond
	}
	if got := bl.get(); !equalDurations(got, wantWaits) {
		t.Errorf("back-off waits %v, want %v", got, wantWaits)
	}
	ev := events.all()
	if len(ev) != 2 || ev[0].Kind != CameraDown || ev[1].Kind != CameraBack {
		t.Fatalf("events %v, want down then back", ev)
	}
	if !errors.Is(ev[0].Err, syscall.ENODEV) || ev[0].Source != "v4l2:/dev/video7" ||
		!strings.HasPrefix(ev[0].String(), "camera down: v4l2:/dev/video7: ") {
		t.Errorf("down event %v", ev[0])
	}
	st := src.Status()
	if !st.Up || st.Reconnects != 1 || st.Stalls != 0 || st.Err != "" || st.LastFrame.IsZero() {
		t.Errorf("status %+v", st)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.opens != 2 || w.closes != 1 {
		t.Errorf("device opened %d times, closed %d times", w.opens, w.closes)
	}
}

func TestV4L2StallIsDetectedAndRecovered(t *testing.T) {
	w := newYUYVWorld()
	events := newEventLog()
	src, _ := openFake(t, w, Options{Width: 64, Height: 48, StallTimeout: time.Second,
		ReopenMin: time.Millisecond, ReopenMax: 5 * time.Millisecond, OnEvent: events.add})
	awaitRead(t, readAsync(src)).must(t).Release()

	// Timeouts shorter than the stall timeout are just waits.
	w.mu.Lock()
	w.timeouts = 2
	w.mu.Unlock()
	awaitRead(t, readAsync(src)).must(t).Release()
	if st := src.Status(); st.Stalls != 0 || !st.Up {
		t.Fatalf("short waits counted as a stall: %+v", st)
	}

	w.mu.Lock()
	w.stalled = true
	w.mu.Unlock()
	pending := readAsync(src)
	e := events.waitFor(t, CameraStalled)
	if e.String() != "camera stalled: no frame for 1 s" {
		t.Errorf("stall event %q", e)
	}
	if st := src.Status(); st.Up || st.Stalls != 1 || !strings.Contains(st.Err, "no frame for") {
		t.Fatalf("status during the stall %+v", st)
	}
	w.mu.Lock()
	w.stalled = false
	w.mu.Unlock()
	f := awaitRead(t, pending).must(t)
	if f.Seq != 2 {
		t.Errorf("frame after the stall has seq %d, want 2", f.Seq)
	}
	f.Release()
	events.waitFor(t, CameraBack)
	st := src.Status()
	if !st.Up || st.Reconnects < 1 || st.Stalls < 1 {
		t.Errorf("status after the stall %+v", st)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closes < 1 || w.opens != w.closes+1 {
		t.Errorf("a stalled device must be closed and re-opened: %d opens, %d closes", w.opens, w.closes)
	}
}

func TestV4L2EIOAndCancelDuringOutage(t *testing.T) {
	w := newYUYVWorld()
	w.lostErr = syscall.EIO
	w.unplugAfter = 1
	w.absentFor = 1 << 30
	src, bl := openFake(t, w, Options{Width: 64, Height: 48})
	f, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f.Release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := src.Read(ctx)
		done <- err
	}()
	eventually(t, "re-open attempts", func() bool { return len(bl.get()) >= 3 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Read during an outage with a cancelled ctx: %v", err)
	}
	if st := src.Status(); st.Up || !strings.Contains(st.Err, "no such file") {
		t.Errorf("status during the outage %+v", st)
	}
	// The source keeps trying and recovers on a later Read.
	w.mu.Lock()
	w.absentFor, w.present = 0, true
	w.mu.Unlock()
	f = awaitRead(t, readAsync(src)).must(t)
	f.Release()
	if st := src.Status(); !st.Up || st.Reconnects != 1 {
		t.Errorf("status after recovery %+v", st)
	}
}

func TestV4L2DownAtStart(t *testing.T) {
	w := newYUYVWorld()
	w.present = false
	w.absentFor = 3
	events := newEventLog()
	src, err := openV4L2With("/dev/video9", Options{Width: 64, Height: 48, OnEvent: events.add,
		ReopenMin: time.Millisecond, ReopenMax: 2 * time.Millisecond}, w.open)
	if err != nil {
		t.Fatalf("a missing device must be waited for, not an error: %v", err)
	}
	defer src.Close()
	e := events.waitFor(t, CameraDown)
	if !errors.Is(e.Err, syscall.ENOENT) || !strings.Contains(e.String(), "v4l2:/dev/video9") {
		t.Errorf("down event %v", e)
	}
	f := awaitRead(t, readAsync(src)).must(t)
	if f.Seq != 0 || f.Width != 64 {
		t.Errorf("first frame seq %d width %d", f.Seq, f.Width)
	}
	f.Release()
	events.waitFor(t, CameraBack)

	// And through the real webcam library on this machine, which has no camera.
	real, err := Open("v4l2:/dev/video-retina-test-none", Options{})
	if err != nil {
		t.Fatalf("a missing device must be waited for, not an error: %v", err)
	}
	defer real.Close()
	if st := statusOf(t, real); st.Up || !strings.Contains(st.Err, "no such file") {
		t.Errorf("status of a missing device %+v", st)
	}
}

func TestV4L2OpenFailures(t *testing.T) {
	w := newYUYVWorld()
	w.formats = []uint32{0x34363248}
	if _, err := openV4L2With("/dev/video0", Options{}, w.open); err == nil || !strings.Contains(err.Error(), "H264") ||
		!strings.Contains(err.Error(), "/dev/video0") {
		t.Errorf("device without MJPEG/YUYV: %v", err)
	}
	w = newYUYVWorld()
	w.setFormat = func(f, wd, h uint32) (uint32, uint32, uint32, error) { return 0x3231564e, wd, h, nil }
	if _, err := openV4L2With("/dev/video0", Options{}, w.open); err == nil || !strings.Contains(err.Error(), "NV12") {
		t.Errorf("driver switching format: %v", err)
	}
	if w.closes != 1 {
		t.Errorf("a device that failed configuration was closed %d times, want 1", w.closes)
	}
	denied := func(string) (v4l2Device, error) { return nil, fmt.Errorf("cannot open: %w", syscall.EACCES) }
	if _, err := openV4L2With("/dev/video0", Options{}, denied); err == nil || !strings.Contains(err.Error(), "video group") {
		t.Errorf("permission denied: %v", err)
	}
}

func TestV4L2DriverAdjustsSize(t *testing.T) {
	w := &fakeWorld{
		formats: []uint32{fourccMJPEG},
		sizes:   map[uint32][]frameSize{},
		setFormat: func(f, wd, h uint32) (uint32, uint32, uint32, error) {
			return f, 32, 24, nil
		},
		frame: func(n int, f uint32, wd, h int) []byte {
			if n == 0 {
				return []byte{1, 2, 3, 4, 5} // a damaged buffer: no SOI
			}
			return encodeTestJPEG(nil, wd, h, n)
		},
		present: true,
		lostErr: syscall.ENODEV,
	}
	src, _ := openFake(t, w, Options{Width: 640, Height: 480})
	f, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	if f.Format != MJPEG || f.Width != 32 || f.Height != 24 || f.Seq != 0 {
		t.Fatalf("got %v %dx%d seq %d, want MJPEG 32x24 as the driver set", f.Format, f.Width, f.Height, f.Seq)
	}
	if !bytes.Equal(f.Data, encodeTestJPEG(nil, 32, 24, 1)) {
		t.Fatal("the damaged buffer was not skipped")
	}
	if img, err := jpeg.Decode(bytes.NewReader(f.Data)); err != nil || img.Bounds().Dx() != 32 {
		t.Fatalf("frame does not decode to 32 wide: %v", err)
	}
}

func TestV4L2CloseEndsRead(t *testing.T) {
	w := newYUYVWorld()
	src, _ := openFake(t, w, Options{Width: 64, Height: 48})
	w.mu.Lock()
	w.stalled = true
	w.mu.Unlock()
	pending := readAsync(src)
	time.Sleep(20 * time.Millisecond) // let Read reach the device poll (either order is fine)
	src.Close()
	if r := awaitRead(t, pending); r.err == nil {
		t.Fatal("Read returned a frame from a stalled device after Close")
	}
	if _, err := src.Read(context.Background()); err == nil {
		t.Fatal("Read after Close succeeded")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closes != 1 {
		t.Errorf("closes = %d", w.closes)
	}
}

func TestV4L2SteadyStateAllocatesNothing(t *testing.T) {
	w := newYUYVWorld()
	frame := yuyvBars(0, 64, 48)
	w.frame = func(int, uint32, int, int) []byte { return frame }
	src, _ := openFake(t, w, Options{Width: 64, Height: 48})
	read := readAndRelease(t, src)
	read()
	if a := testing.AllocsPerRun(100, read); a != 0 {
		t.Errorf("%v allocations per frame, want 0", a)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
