package jpegdec

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// skimageData holds Debian python3-skimage's sample photos, which CI
// installs; manifest.json has PIL's decode of each.
const skimageData = "/usr/lib/python3/dist-packages/skimage/data"

// TestRealPhotos decodes the real JPEG photos (rocket.jpg and the others)
// and requires PIL's exact RGB, or a truncation error where PIL raises one.
func TestRealPhotos(t *testing.T) {
	m := loadManifest(t)
	if len(m.Photos) == 0 {
		t.Fatal("manifest lists no photos")
	}
	for name, want := range m.Photos {
		f, err := os.Open(filepath.Join(skimageData, name))
		if err != nil {
			t.Fatalf("%v (install python3-skimage)", err)
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
