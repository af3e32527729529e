package draw

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "image/jpeg"
	_ "image/png"
)

func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSaveRoundTrip(t *testing.T) {
	dir := t.TempDir()
	img := Detections(greyImage(64, 48), []Box{{X1: 5, Y1: 20, X2: 40, Y2: 45, Label: "x", Score: 0.5}})
	p := filepath.Join(dir, "out.PNG")
	if err := SaveImage(p, img); err != nil {
		t.Fatal(err)
	}
	back := decodeFile(t, p)
	for y := range 48 {
		for x := range 64 {
			r1, g1, b1, a1 := back.At(x, y).RGBA()
			r2, g2, b2, a2 := img.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("PNG pixel (%d,%d) changed", x, y)
			}
		}
	}
	for _, name := range []string{"out.jpg", "out.jpeg"} {
		p := filepath.Join(dir, name)
		if err := SaveImage(p, img); err != nil {
			t.Fatal(err)
		}
		back := decodeFile(t, p)
		if back.Bounds() != img.Bounds() {
			t.Fatalf("%s: bounds %v", name, back.Bounds())
		}
		// Lossy, but a flat grey area stays close to grey.
		r, _, _, _ := back.At(60, 5).RGBA()
		if d := int(r>>8) - int(grey.R); d < -4 || d > 4 {
			t.Fatalf("%s: grey pixel came back as %d", name, r>>8)
		}
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("saved file mode %v, err %v", st.Mode(), err)
	}
	assertOnly(t, dir, "out.PNG", "out.jpeg", "out.jpg")
}

// assertOnly checks that dir holds exactly the named files (no temps).
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("directory holds %v, want %v", got, names)
	}
}

func TestSaveRefusesUnknownExtension(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.gif", "a.bmp", "noext", "a.png.txt"} {
		err := SaveImage(filepath.Join(dir, name), greyImage(4, 4))
		if err == nil || !strings.Contains(err.Error(), name+": unknown image extension") {
			t.Errorf("%s: error %v", name, err)
		}
	}
	assertOnly(t, dir)
}

func TestSaveLeavesNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	// A failing encode: JPEG refuses sides of 65536 or more (before
	// looking at any pixel, so the image needs no pixel buffer).
	huge := &image.Gray{Rect: image.Rect(0, 0, 1<<16, 1)}
	if err := SaveImage(filepath.Join(dir, "big.jpg"), huge); err == nil || !strings.Contains(err.Error(), "big.jpg: encoding: jpeg: image is too large") {
		t.Fatalf("error %v", err)
	}
	if err := SaveImage(filepath.Join(dir, "empty.png"), image.NewRGBA(image.Rect(0, 0, 0, 3))); err == nil || !strings.Contains(err.Error(), "no pixels") {
		t.Fatalf("empty image: error %v", err)
	}
	assertOnly(t, dir)
	// A directory that does not exist.
	err := SaveImage(filepath.Join(dir, "missing", "a.png"), greyImage(2, 2))
	if err == nil || !strings.Contains(err.Error(), "a.png") {
		t.Fatalf("missing dir: error %v", err)
	}
	// Replacing an existing file keeps the old one until the new is done.
	old := filepath.Join(dir, "keep.jpg")
	if err := SaveImage(old, greyImage(3, 3)); err != nil {
		t.Fatal(err)
	}
	if err := SaveImage(old, huge); err == nil {
		t.Fatal("no error")
	}
	if decodeFile(t, old).Bounds().Dx() != 3 {
		t.Fatal("failed save damaged the existing file")
	}
	assertOnly(t, dir, "keep.jpg")
}
