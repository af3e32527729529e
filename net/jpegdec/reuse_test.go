package jpegdec

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// reuseSequence is every fixture (the refused ones too) in name order, then
// in reverse, with each file twice in a row: one Decoder sees same-size and
// different-size frames, every layout after every other, and errors.
func reuseSequence(m *manifest) []string {
	var names []string
	for name := range m.Decodes {
		names = append(names, name)
	}
	for name := range m.Fails {
		names = append(names, name)
	}
	slices.Sort(names)
	rev := slices.Clone(names)
	slices.Reverse(rev)
	var seq []string
	for _, n := range append(names, rev...) {
		seq = append(seq, n, n)
	}
	return seq
}

// One Decoder, fed every fixture in turn, gives PIL's pixels for each (and
// the same errors as a fresh decode), whatever it decoded before.
func TestDecoderReuseMatchesPIL(t *testing.T) {
	m := loadManifest(t)
	var dec Decoder
	var own *image.RGBA // DecodeInto's buffer, reused across frames
	for i, name := range reuseSequence(m) {
		data, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		fresh, freshErr := DecodeBytes(data, 1<<26)
		img, err := dec.DecodeBytes(data, 1<<26)
		if (err == nil) != (freshErr == nil) || err != nil && err.Error() != freshErr.Error() {
			t.Fatalf("%d %s: reused decoder error %v, fresh %v", i, name, err, freshErr)
		}
		into, intoErr := dec.DecodeInto(own, data, 1<<26)
		if (intoErr == nil) != (err == nil) {
			t.Fatalf("%d %s: DecodeInto error %v, DecodeBytes %v", i, name, intoErr, err)
		}
		if err != nil {
			continue
		}
		want, ok := m.Decodes[name]
		if !ok {
			t.Fatalf("%s decoded, PIL refuses it", name)
		}
		if b := img.Bounds(); b.Dx() != want.Width || b.Dy() != want.Height {
			t.Fatalf("%d %s: decoded %dx%d, PIL %dx%d", i, name, b.Dx(), b.Dy(), want.Width, want.Height)
		}
		if got := rgbSHA256(img); got != want.SHA256 {
			t.Errorf("%d %s: reused decoder's RGB differs from PIL's", i, name)
		}
		if !bytes.Equal(img.Pix, fresh.Pix) || !bytes.Equal(into.Pix, fresh.Pix) {
			t.Errorf("%d %s: reused decoder's pixels differ from a fresh decode's", i, name)
		}
		if own != nil && own.Rect == into.Rect && into != own {
			t.Errorf("%d %s: DecodeInto did not reuse a buffer of the right size", i, name)
		}
		own = into
	}
}

// A failed decode leaves DecodeInto's buffer as it was.
func TestDecodeIntoErrorKeepsBuffer(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir, "pil_420_q75_37x23.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	var dec Decoder
	img, err := dec.DecodeInto(nil, data, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(img.Pix)
	if _, err := dec.DecodeInto(img, data[:len(data)/2], 1<<20); err == nil {
		t.Fatal("half a file decoded")
	}
	if !bytes.Equal(img.Pix, before) {
		t.Fatal("a failed decode wrote into the buffer")
	}
}

// After the first frame of a size, decoding another allocates nothing.
func TestDecoderNoAllocs(t *testing.T) {
	for _, name := range []string{
		"bench_420_640x480.jpg",                    // baseline 4:2:0
		"cjpeg_420_progressive_restart1_96x80.jpg", // progressive, restarts
		"edit_no_dht_420_64x48.jpg",                // Motion-JPEG style: standard tables
		"pil_cmyk_37x23.jpg",
	} {
		data, err := os.ReadFile(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		var dec Decoder
		if _, err := dec.DecodeBytes(data, 1<<20); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a := testing.AllocsPerRun(3, func() {
			if _, err := dec.DecodeBytes(data, 1<<20); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		})
		if a != 0 {
			t.Errorf("%s: %v allocations per decode with a warm Decoder", name, a)
		}
	}
}

// An image over the limit is refused with its size, reusable or not.
func TestLimitError(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir, "pil_420_q75_37x23.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	var dec Decoder
	for _, decode := range []func() (*image.RGBA, error){
		func() (*image.RGBA, error) { return DecodeBytes(data, 37*23-1) },
		func() (*image.RGBA, error) { return dec.DecodeBytes(data, 37*23-1) },
	} {
		_, err := decode()
		var le *LimitError
		if !errors.As(err, &le) || *le != (LimitError{37, 23, 37*23 - 1}) ||
			err.Error() != "jpeg: image is 37x23, more than the limit of 850 pixels" {
			t.Errorf("got %v", err)
		}
	}
	if _, err := dec.DecodeBytes(data, 37*23); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}
