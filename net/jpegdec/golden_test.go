package jpegdec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtureDir = "../../testdata/jpegdec"

// manifest is testdata/jpegdec/manifest.json, written by
// tools/make_jpegdec_fixtures.py from PIL's decodes.
type manifest struct {
	Decodes map[string]struct {
		Width, Height int
		SHA256        string
	}
	Fails map[string]struct {
		PILError *string `json:"pil_error"`
	}
	Photos map[string]struct {
		Width, Height int
		SHA256        string
		PILError      *string `json:"pil_error"`
	}
}

func loadManifest(t *testing.T) *manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// rgbSHA256 hashes the RGB bytes of img in PIL's tobytes() order.
func rgbSHA256(img *image.RGBA) string {
	b := img.Bounds()
	rgb := make([]byte, 0, b.Dx()*b.Dy()*3)
	for y := 0; y < b.Dy(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*b.Dx()]
		for x := 0; x < len(row); x += 4 {
			rgb = append(rgb, row[x], row[x+1], row[x+2])
		}
	}
	s := sha256.Sum256(rgb)
	return hex.EncodeToString(s[:])
}

func decodeFile(t *testing.T, path string) (*image.RGBA, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Decode(f, 1<<26)
}

// TestGoldenFixtures requires bit-identical RGB to PIL for every fixture.
func TestGoldenFixtures(t *testing.T) {
	m := loadManifest(t)
	if len(m.Decodes) < 100 {
		t.Fatalf("manifest lists only %d fixtures", len(m.Decodes))
	}
	for name, want := range m.Decodes {
		img, err := decodeFile(t, filepath.Join(fixtureDir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() != want.Width || b.Dy() != want.Height {
			t.Errorf("%s: decoded %dx%d, PIL %dx%d", name, b.Dx(), b.Dy(), want.Width, want.Height)
			continue
		}
		if got := rgbSHA256(img); got != want.SHA256 {
			t.Errorf("%s: RGB differs from PIL's", name)
		}
	}
}

// TestRefusedFixtures checks the files PIL refuses (and the arithmetic-coded
// one, which this decoder refuses by design) give the right error.
func TestRefusedFixtures(t *testing.T) {
	m := loadManifest(t)
	want := map[string]func(error) bool{
		"fail_truncated_420_37x23.jpg": func(err error) bool { return errors.Is(err, ErrTruncated) },
		"fail_12bit_37x23.jpg":         isUnsupported("12-bit"),
		"fail_lossless_37x23.jpg":      isUnsupported("lossless"),
		"fail_arithmetic_37x23.jpg":    isUnsupported("arithmetic"),
	}
	if len(m.Fails) != len(want) {
		t.Fatalf("manifest lists %d failing files, test knows %d", len(m.Fails), len(want))
	}
	for name, ok := range want {
		_, err := decodeFile(t, filepath.Join(fixtureDir, name))
		if err == nil || !ok(err) {
			t.Errorf("%s: got error %v", name, err)
		}
	}
}

func isUnsupported(word string) func(error) bool {
	return func(err error) bool {
		var u UnsupportedError
		return errors.As(err, &u) && strings.Contains(err.Error(), word)
	}
}
