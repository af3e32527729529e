package jpegdec

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEveryTruncationFails cuts a baseline, a restart-interval and a
// progressive file at every length: each must give an error (the file is
// truncated) and never a panic.
func TestEveryTruncationFails(t *testing.T) {
	for _, name := range []string{"pil_420_q75_37x23.jpg", "cjpeg_420_restart2_96x80.jpg", "pil_420_progressive_37x23.jpg"} {
		data := readFixture(t, name)
		for n := 0; n < len(data)-2; n++ {
			_, err := DecodeBytes(data[:n], 1<<20)
			if err == nil {
				t.Fatalf("%s cut to %d of %d bytes decoded without error", name, n, len(data))
			}
			if n > 200 && !errors.Is(err, ErrTruncated) {
				t.Fatalf("%s cut to %d bytes: %v, want a truncation error", name, n, err)
			}
		}
	}
}

// TestCorruptDataNeverPanics flips random bytes of several fixtures.
func TestCorruptDataNeverPanics(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	names := []string{"pil_420_q75_37x23.jpg", "pil_420_progressive_64x48.jpg", "cjpeg_440_17x9.jpg",
		"pil_cmyk_17x9.jpg", "cjpeg_420_progressive_restart1_96x80.jpg", "cjpeg_progressive_dconly_420_61x43.jpg"}
	failed := 0
	for _, name := range names {
		orig := readFixture(t, name)
		for i := 0; i < 300; i++ {
			data := bytes.Clone(orig)
			for j := 0; j < 1+rng.Intn(4); j++ {
				data[rng.Intn(len(data))] = byte(rng.Intn(256))
			}
			if _, err := DecodeBytes(data, 1<<20); err != nil {
				failed++
			}
		}
	}
	if failed == 0 {
		t.Fatal("no corrupted file was refused")
	}
}

func TestPixelLimitCheckedBeforeDecoding(t *testing.T) {
	data := readFixture(t, "pil_420_q75_64x48.jpg")
	_, err := DecodeBytes(data, 64*48-1)
	if err == nil || !strings.Contains(err.Error(), "64x48") || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v, want an error naming the size and the limit", err)
	}
	if _, err := DecodeBytes(data, 64*48); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	// A header claiming 65500x65500 with no data behind it must be refused
	// by the limit, not by an allocation.
	huge := setSize(t, data, 65500, 65500)
	if _, err := DecodeBytes(huge, 1<<24); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("huge header: %v", err)
	}
}

// setSize rewrites the SOF dimensions of a JPEG file.
func setSize(t *testing.T, data []byte, w, h int) []byte {
	t.Helper()
	b := bytes.Clone(data)
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	b[i+5], b[i+6], b[i+7], b[i+8] = byte(h>>8), byte(h), byte(w>>8), byte(w)
	return b
}

func TestBadFiles(t *testing.T) {
	good := readFixture(t, "pil_420_q75_37x23.jpg")
	sof := bytes.Index(good, []byte{0xFF, 0xC0})
	edit := func(at int, v byte) []byte { b := bytes.Clone(good); b[at] = v; return b }
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n...."), "SOI"},
		{"two components", edit(sof+9, 2), "components"},
		{"zero height", setSize(t, good, 37, 0), "DNL"},
		{"zero width", setSize(t, good, 0, 23), "width"},
		{"sampling factor 5", edit(sof+11, 0x51), "sampling"},
		{"second SOI", append(bytes.Clone(good[:2]), good...), "SOI"},
		{"unknown marker", append(append(bytes.Clone(good[:2]), 0xFF, 0xC8, 0, 2), good[2:]...), "marker"},
	}
	for _, c := range cases {
		_, err := DecodeBytes(c.data, 1<<20)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error about %q", c.name, err, c.want)
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	m := loadManifest(t)
	for name, want := range m.Decodes {
		cfg, err := DecodeConfig(bytes.NewReader(readFixture(t, name)))
		if err != nil || cfg.Width != want.Width || cfg.Height != want.Height {
			t.Errorf("%s: config %dx%d, %v; want %dx%d", name, cfg.Width, cfg.Height, err, want.Width, want.Height)
		}
	}
	if _, err := DecodeConfig(bytes.NewReader([]byte{0xFF, 0xD8, 0xFF})); !errors.Is(err, ErrTruncated) {
		t.Errorf("cut header: %v", err)
	}
	if _, err := DecodeConfig(bytes.NewReader(readFixture(t, "fail_12bit_37x23.jpg"))); err == nil {
		t.Error("12-bit header accepted")
	}
}

func FuzzDecode(f *testing.F) {
	for _, name := range []string{"pil_420_q75_17x9.jpg", "pil_420_progressive_17x9.jpg", "cjpeg_440_17x9.jpg",
		"pil_gray_17x9.jpg", "pil_cmyk_17x9.jpg", "cjpeg_gray_progressive_restart_45x31.jpg", "edit_no_dht_420_64x48.jpg"} {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := DecodeBytes(data, 1<<16)
		if err == nil && img.Bounds().Dx()*img.Bounds().Dy() > 1<<16 {
			t.Fatalf("decoded %v beyond the pixel limit", img.Bounds())
		}
		DecodeConfig(bytes.NewReader(data))
	})
}
