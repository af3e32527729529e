package preprocess

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"testing"
)

const jpegFixtures = "../../testdata/jpegdec"

func readJPEGFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(jpegFixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// JPEGFrames gives DecodeBytes's pixels frame after frame, in the caller's
// buffer when it fits.
func TestJPEGFramesMatchesDecodeBytes(t *testing.T) {
	var j JPEGFrames
	var buf *image.RGBA
	for i, name := range []string{
		"pil_420_q75_64x48.jpg", "pil_444_q95_64x48.jpg", "cjpeg_420_progressive_restart1_96x80.jpg",
		"pil_420_q75_64x48.jpg", "edit_no_dht_420_64x48.jpg", "pil_gray_37x23.jpg",
	} {
		data := readJPEGFixture(t, name)
		want, err := DecodeBytes(name, data, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		got, err := j.DecodeInto(name, buf, data, 1<<20)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w := want.(*image.RGBA)
		if got.Rect != w.Rect || !bytes.Equal(got.Pix, w.Pix) {
			t.Errorf("%d %s: pixels differ from DecodeBytes's", i, name)
		}
		if buf != nil && buf.Rect == got.Rect && got != buf {
			t.Errorf("%d %s: a buffer of the right size was not reused", i, name)
		}
		buf = got
	}
}

// Bad frames get DecodeBytes's error sentences, with the name.
func TestJPEGFramesErrors(t *testing.T) {
	good := readJPEGFixture(t, "pil_420_q75_37x23.jpg")
	var j JPEGFrames
	for _, c := range []struct {
		data []byte
		max  int
	}{
		{good[:len(good)/2], 1 << 20},
		{good, 37*23 - 1},
		{[]byte("plain text, not a picture"), 1 << 20},
	} {
		_, want := DecodeBytes("cam", c.data, c.max)
		_, err := j.DecodeInto("cam", nil, c.data, c.max)
		if want == nil || err == nil || err.Error() != want.Error() {
			t.Errorf("got error %v, DecodeBytes gives %v", err, want)
		}
	}
	// Where image/jpeg's header check and jpegdec word it differently,
	// the error still says the data is corrupt JPEG.
	bad := append([]byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 3}, good[6:]...)
	_, err := j.DecodeInto("cam", nil, bad, 1<<20)
	wantError(t, err, "cam: corrupt JPEG data: SOF segment too short")
}

// A warm JPEGFrames decodes a same-size frame without allocating.
func TestJPEGFramesNoAllocs(t *testing.T) {
	data := readJPEGFixture(t, "bench_420_640x480.jpg")
	var j JPEGFrames
	img, err := j.DecodeInto("frame", nil, data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	a := testing.AllocsPerRun(3, func() {
		if img, err = j.DecodeInto("frame", img, data, 1<<20); err != nil {
			t.Fatal(err)
		}
	})
	if a != 0 {
		t.Errorf("%v allocations per frame", a)
	}
}
