package camera

import (
	"bytes"
	"errors"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/retina-edge/retina/internal/testtool"
)

// splitAll runs the splitter to the end of its stream.
func splitAll(t testing.TB, r io.Reader, max int) ([][]byte, *MJPEGSplitter, error) {
	t.Helper()
	s := NewMJPEGSplitter(r, max)
	var frames [][]byte
	for {
		f, err := s.Next(nil)
		if err == io.EOF {
			return frames, s, nil
		}
		if err != nil {
			return frames, s, err
		}
		frames = append(frames, f)
	}
}

func testJPEGs(n, w, h int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = encodeTestJPEG(nil, w, h, i)
	}
	return out
}

func TestSplitEncodedStream(t *testing.T) {
	want := testJPEGs(6, 48, 32)
	stream := bytes.Join(want, nil)
	for name, r := range map[string]io.Reader{
		"whole":       bytes.NewReader(stream),
		"one byte":    iotest.OneByteReader(bytes.NewReader(stream)),
		"half chunks": iotest.HalfReader(bytes.NewReader(stream)),
	} {
		got, s, err := splitAll(t, r, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != len(want) || s.Skipped != 0 || s.Corrupt != 0 {
			t.Fatalf("%s: %d frames (skipped %d, corrupt %d), want %d", name, len(got), s.Skipped, s.Corrupt, len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i], want[i]) {
				t.Fatalf("%s: frame %d differs", name, i)
			}
		}
	}
}

func TestSplitGarbageBetweenFrames(t *testing.T) {
	want := testJPEGs(4, 40, 24)
	garbage := [][]byte{
		[]byte("HTTP junk\r\n"),
		{0xFF, 0xD9, 0xFF, 0x00, 0xFF, 0xFF, 0x12},             // stray EOI, stuffing, fill
		{0xFF, 0xD8, 0x00, 0x11, 0x22},                         // an SOI with nothing valid after it
		{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB, 0xFF}, // a frame cut short by the next SOI
	}
	var stream []byte
	for i, f := range want {
		stream = append(stream, garbage[i]...)
		stream = append(stream, f...)
	}
	stream = append(stream, "trailing bytes"...)
	got, s, err := splitAll(t, bytes.NewReader(stream), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d frames, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("frame %d differs", i)
		}
	}
	if s.Corrupt != 2 {
		t.Errorf("Corrupt = %d, want 2 (the two broken SOIs)", s.Corrupt)
	}
	if s.Skipped < int64(len(garbage[0])+len(garbage[1])+len("trailing bytes")) {
		t.Errorf("Skipped = %d", s.Skipped)
	}
}

// TestSplitSegmentsHoldingEOI puts FF D9 inside APPn and COM payloads, which
// must be skipped by their length, not scanned.
func TestSplitSegmentsHoldingEOI(t *testing.T) {
	base := encodeTestJPEG(nil, 32, 16, 1)
	payload := []byte{'x', 0xFF, 0xD9, 'y', 0xFF, 0xD8, 0xFF}
	seg := func(marker byte) []byte {
		n := len(payload) + 2
		return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
	}
	frame := append([]byte{0xFF, 0xD8}, seg(0xE1)...)
	frame = append(frame, seg(0xFE)...)
	frame = append(frame, base[2:]...)
	stream := append(append([]byte{}, frame...), frame...)
	got, s, err := splitAll(t, bytes.NewReader(stream), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !bytes.Equal(got[0], frame) || !bytes.Equal(got[1], frame) || s.Corrupt != 0 {
		t.Fatalf("got %d frames (corrupt %d)", len(got), s.Corrupt)
	}
	img, err := jpeg.Decode(bytes.NewReader(got[0]))
	if err != nil || img.Bounds().Dx() != 32 {
		t.Fatalf("split frame does not decode: %v", err)
	}
}

// TestSplitEntropyMarkers checks the scan of entropy-coded data: stuffed FF 00,
// restart markers and fill bytes do not end the frame; the EOI does.
func TestSplitEntropyMarkers(t *testing.T) {
	frame := []byte{0xFF, 0xD8,
		0xFF, 0xDB, 0x00, 0x04, 0xFF, 0xD9, // DQT whose payload holds an EOI
		0xFF, 0xDA, 0x00, 0x03, 0x01, // SOS
		0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD7, 0x78, 0xFF, 0x00,
		0xFF, 0xDA, 0x00, 0x02, // a second scan (progressive)
		0x9A, 0xFF, 0xD3, 0xBC,
		0xFF, 0xD9}
	filled := append(append([]byte{}, frame[:len(frame)-2]...), 0xFF, 0xFF, 0xD9) // fill byte before EOI
	stream := append(append(append([]byte{}, frame...), filled...), frame...)
	got, s, err := splitAll(t, iotest.OneByteReader(bytes.NewReader(stream)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || s.Corrupt != 0 {
		t.Fatalf("got %d frames (corrupt %d), want 3", len(got), s.Corrupt)
	}
	for i, g := range got {
		if !bytes.Equal(g, frame) {
			t.Errorf("frame %d = % x", i, g)
		}
	}
}

func TestSplitTruncated(t *testing.T) {
	frames := testJPEGs(3, 32, 32)
	stream := bytes.Join(frames, nil)
	for _, cut := range []int{1, 2, 3, 100, len(frames[2]) - 2} {
		s := stream[:len(stream)-cut]
		got, _, err := splitAll(t, bytes.NewReader(s), 0)
		if len(got) != 2 || !errors.Is(err, ErrTruncated) {
			t.Errorf("cut %d: %d frames, err %v; want 2 and ErrTruncated", cut, len(got), err)
		}
	}
}

func TestSplitCap(t *testing.T) {
	small, big := encodeTestJPEG(nil, 8, 8, 0), encodeTestJPEG(nil, 200, 200, 1)
	stream := append(append([]byte{}, small...), big...)
	got, _, err := splitAll(t, bytes.NewReader(stream), len(small)+10)
	if len(got) != 1 || !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("%d frames, err %v; want 1 frame then ErrFrameTooLarge", len(got), err)
	}
	// A hostile APP segment length cannot push past the cap either.
	hostile := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF}
	if _, _, err := splitAll(t, bytes.NewReader(hostile), 1000); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("hostile segment length: %v", err)
	}
}

func TestSplitReusesBuffer(t *testing.T) {
	stream := bytes.Join(testJPEGs(2, 32, 32), nil)
	s := NewMJPEGSplitter(bytes.NewReader(bytes.Repeat(stream, 50)), 0)
	buf, err := s.Next(nil)
	if err != nil {
		t.Fatal(err)
	}
	buf, _ = s.Next(buf)
	a := testing.AllocsPerRun(50, func() {
		if buf, err = s.Next(buf); err != nil {
			t.Fatal(err)
		}
	})
	if a != 0 {
		t.Errorf("%v allocations per frame, want 0", a)
	}
}

// TestSplitFFmpegStream splits an MJPEG file written by ffmpeg.
func TestSplitFFmpegStream(t *testing.T) {
	path := ffmpegMJPEG(t, "160x120", 5, 1)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, s, err := splitAll(t, f, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || s.Skipped != 0 || s.Corrupt != 0 {
		t.Fatalf("%d frames (skipped %d, corrupt %d), want 5", len(got), s.Skipped, s.Corrupt)
	}
	for i, g := range got {
		img, err := jpeg.Decode(bytes.NewReader(g))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		w, h, ok := jpegSize(g)
		if !ok || w != 160 || h != 120 || img.Bounds().Dx() != 160 || img.Bounds().Dy() != 120 {
			t.Fatalf("frame %d: header %dx%d, decoded %v", i, w, h, img.Bounds())
		}
	}
}

// ffmpegMJPEG renders ffmpeg's test pattern to an MJPEG file in t.TempDir().
func ffmpegMJPEG(t testing.TB, size string, rate, seconds int) string {
	t.Helper()
	bin := testtool.Need(t, "ffmpeg", "ffmpeg")
	path := filepath.Join(t.TempDir(), "out.mjpg")
	cmd := exec.Command(bin, "-nostdin", "-loglevel", "error", "-f", "lavfi",
		"-i", "testsrc=size="+size+":rate="+itoa(rate), "-t", itoa(seconds), "-f", "mjpeg", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return path
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func FuzzMJPEGSplit(f *testing.F) {
	jp := encodeTestJPEG(nil, 16, 16, 3)
	f.Add(jp)
	f.Add(append(append([]byte("junk"), jp...), jp[:len(jp)/2]...))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0x00, 0xFF, 0xD0, 0xFF, 0xD9})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0xFF, 0xD9})
	f.Fuzz(func(t *testing.T, data []byte) {
		const max = 4096
		s := NewMJPEGSplitter(bytes.NewReader(data), max)
		total := 0
		var buf []byte
		var found [][]byte
		for {
			var err error
			buf, err = s.Next(buf)
			if err != nil {
				if err != io.EOF && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrFrameTooLarge) {
					t.Fatalf("unexpected error %v", err)
				}
				break
			}
			if len(buf) < 4 || len(buf) > max || buf[0] != 0xFF || buf[1] != 0xD8 ||
				buf[len(buf)-2] != 0xFF || buf[len(buf)-1] != 0xD9 {
				t.Fatalf("bad frame % x", buf)
			}
			if !bytes.Contains(data, buf[:2]) {
				t.Fatal("frame not from the input")
			}
			found = append(found, append([]byte(nil), buf...))
			total += len(buf)
			if total > len(data) {
				t.Fatalf("frames total %d bytes from %d bytes of input", total, len(data))
			}
		}
		// Splitting the frames found, concatenated, finds them again.
		again, _, err := splitAll(t, bytes.NewReader(bytes.Join(found, nil)), max)
		if err != nil || len(again) != len(found) {
			t.Fatalf("re-split: %d frames, %v; want %d", len(again), err, len(found))
		}
		for i := range found {
			if !bytes.Equal(again[i], found[i]) {
				t.Fatalf("re-split frame %d differs", i)
			}
		}
	})
}
