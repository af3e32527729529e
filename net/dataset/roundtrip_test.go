package dataset

import (
	"os"
	"path/filepath"
	"testing"
)

// sampleSet writes two images under dir/imgDir and returns a dataset of them.
func sampleSet(t *testing.T, dir, imgDir string) *Dataset {
	a := filepath.Join(dir, imgDir, "000001.jpg")
	b := filepath.Join(dir, imgDir, "000002.jpg")
	writeJPEG(t, a, 80, 60)
	writeJPEG(t, b, 40, 30)
	return &Dataset{
		Classes: []string{"circle", "square", "star"},
		Samples: []Sample{
			{ImagePath: a, Width: 80, Height: 60, Boxes: []Object{
				{Box: [4]float32{0, 0, 12, 13}, Class: 2, Area: 156},
				{Box: [4]float32{30.5, 10, 80, 60}, Class: 0, Area: 49.5 * 50},
			}},
			{ImagePath: b, Width: 40, Height: 30},
		},
	}
}

func TestWriteThenLoadEachFormat(t *testing.T) {
	for _, c := range []struct {
		format, imgDir string
		write          func(dir string, ds *Dataset) error
	}{
		{FormatCOCO, "images", func(dir string, ds *Dataset) error { return WriteCOCO(filepath.Join(dir, "annotations.json"), ds) }},
		{FormatVOC, "JPEGImages", WriteVOC},
		{FormatYOLO, "images", WriteYOLO},
	} {
		t.Run(c.format, func(t *testing.T) {
			dir := t.TempDir()
			want := sampleSet(t, dir, c.imgDir)
			if err := c.write(dir, want); err != nil {
				t.Fatal(err)
			}
			format, _, err := Detect(dir)
			if err != nil || format != c.format {
				t.Fatalf("detected %q (%v), want %q", format, err, c.format)
			}
			got, err := Load(dir, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Classes) != 3 || got.Classes[2] != "star" || len(got.Samples) != 2 {
				t.Fatalf("classes %v, %d samples", got.Classes, len(got.Samples))
			}
			for i, s := range got.Samples {
				w := want.Samples[i]
				if s.ImagePath != w.ImagePath || s.Width != w.Width || s.Height != w.Height || len(s.Boxes) != len(w.Boxes) {
					t.Fatalf("sample %d = %+v, want %+v", i, s, w)
				}
				for j, o := range s.Boxes {
					if o.Class != w.Boxes[j].Class || !near(o.Box, w.Boxes[j].Box, 1e-3) {
						t.Errorf("sample %d object %d = %+v, want %+v", i, j, o, w.Boxes[j])
					}
				}
			}
		})
	}
}

func TestDetectFailsClearly(t *testing.T) {
	dir := t.TempDir()
	_, _, err := Detect(dir)
	wantErr(t, err, dir, "cannot tell the dataset format")
	_, err = Load(dir, LoadOptions{Format: "kitti"})
	wantErr(t, err, `unknown dataset format "kitti"`)
	_, err = Load(filepath.Join(dir, "nothing"), LoadOptions{})
	if !os.IsNotExist(err) {
		t.Errorf("missing path: %v", err)
	}
}

func TestWritersRejectBadClasses(t *testing.T) {
	dir := t.TempDir()
	ds := sampleSet(t, dir, "images")
	ds.Samples[0].Boxes[0].Class = 3
	if err := WriteYOLO(dir, ds); err == nil {
		t.Error("class out of range written")
	}
	ds = sampleSet(t, dir, "images")
	if err := WriteCOCO(filepath.Join(dir, "sub", "a.json"), ds); err == nil {
		t.Error("images outside the JSON's folder written")
	}
}
