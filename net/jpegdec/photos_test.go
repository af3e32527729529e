package jpegdec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestRealPhotos decodes the real photos in testdata/jpegdec/photo_*.jpg
// (crops of skimage's public-domain photos that keep their encoders' own
// tables, sampling and markers; tools/make_jpegdec_fixtures.py) and
// requires PIL's exact RGB, or a truncation error where PIL raises one.
func TestRealPhotos(t *testing.T) {
	m := loadManifest(t)
	if len(m.Photos) == 0 {
		t.Fatal("manifest lists no photos")
	}
	for name, want := range m.Photos {
		f, err := os.Open(filepath.Join(fixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := Decode(f, 1<<24)
		f.Close()
		if want.PILError != nil {
			if !errors.Is(err, ErrTruncated) {
				t.Errorf("%s: PIL raises %q, got %v", name, *want.PILError, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := rgbSHA256(img); got != want.SHA256 {
			t.Errorf("%s: RGB differs from PIL's", name)
		}
	}
}
