package dataset

import (
	"path/filepath"
	"testing"
)

func yoloDir(t *testing.T, names, labelA string) string {
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "images", "train", "a.jpg"), 100, 50)
	writeJPEG(t, filepath.Join(dir, "images", "train", "b.png.jpg"), 10, 10)
	writeText(t, filepath.Join(dir, "labels", "train", "a.txt"), labelA)
	if names != "" {
		writeText(t, filepath.Join(dir, "classes.txt"), names)
	}
	return dir
}

func TestYOLOLoad(t *testing.T) {
	dir := yoloDir(t, "dog\ncat\n", "1 0.5 0.5 0.2 0.4\n\n0 0.1 0.1 0.2 0.2\n")
	ds, err := Load(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Format != FormatYOLO || len(ds.Classes) != 2 || ds.Classes[1] != "cat" || len(ds.Samples) != 2 {
		t.Fatalf("format %q classes %v samples %d", ds.Format, ds.Classes, len(ds.Samples))
	}
	a := ds.Samples[0]
	if a.Width != 100 || a.Height != 50 || len(a.Boxes) != 2 {
		t.Fatalf("sample %+v", a)
	}
	if o := a.Boxes[0]; o.Class != 1 || !near(o.Box, [4]float32{40, 15, 60, 35}, 1e-4) {
		t.Errorf("cat %+v", o)
	}
	if o := a.Boxes[1]; o.Class != 0 || !near(o.Box, [4]float32{0, 0, 20, 10}, 1e-4) {
		t.Errorf("dog %+v", o)
	}
	if len(ds.Samples[1].Boxes) != 0 {
		t.Errorf("image without label file has boxes %+v", ds.Samples[1])
	}
}

func TestYOLONamesFiles(t *testing.T) {
	for name, text := range map[string]string{
		"flow":  "path: .\ntrain: images\nnames: ['dog', \"cat\"]  # two\nnc: 2\n",
		"block": "nc: 2\nnames:\n  - dog\n  - cat\ntrain: x\n",
		"map":   "names:\n  1: cat\n  0: dog\n",
		"multi": "names: [dog,\n  cat]\n",
	} {
		dir := yoloDir(t, "", "1 0.5 0.5 0.2 0.4\n")
		writeText(t, filepath.Join(dir, "data.yaml"), text)
		for _, path := range []string{dir, filepath.Join(dir, "data.yaml")} {
			ds, err := Load(path, LoadOptions{})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(ds.Classes) != 2 || ds.Classes[0] != "dog" || ds.Classes[1] != "cat" {
				t.Errorf("%s: classes %q", name, ds.Classes)
			}
		}
	}
	dir := yoloDir(t, "", "0 0.5 0.5 0.2 0.4\n")
	writeText(t, filepath.Join(dir, "data.yaml"), "names:\n  0: dog\n  2: cat\n")
	_, err := Load(dir, LoadOptions{})
	wantErr(t, err, "data.yaml", "no index 1")
	dir = yoloDir(t, "", "0 0.5 0.5 0.2 0.4\n")
	_, err = Load(dir, LoadOptions{Format: FormatYOLO})
	wantErr(t, err, "without class names")
}

func TestYOLOBadLines(t *testing.T) {
	cases := []struct{ name, line, want string }{
		{"unknown class", "2 0.5 0.5 0.1 0.1", "unknown class 2 (2 classes)"},
		{"negative", "0 0.5 0.5 -0.1 0.1", "negative size"},
		{"outside", "0 0.95 0.5 0.3 0.1", "outside the 100x50 image"},
		{"fields", "0 0.5 0.5 0.1", "expected 5 fields"},
		{"number", "0 0.5 abc 0.1 0.1", `"abc" is not a number`},
		{"class", "x 0.5 0.5 0.1 0.1", `class "x" is not an integer`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := yoloDir(t, "dog\ncat\n", "0 0.5 0.5 0.2 0.2\n# comment\n"+c.line+"\n")
			_, err := Load(dir, LoadOptions{})
			wantErr(t, err, filepath.Join("labels", "train", "a.txt")+":3: object 1", c.want)
			ds, err := Load(dir, LoadOptions{SkipBad: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Warnings) != 1 || len(ds.Samples[0].Boxes) != 1 {
				t.Errorf("SkipBad: %v %+v", ds.Warnings, ds.Samples[0])
			}
		})
	}
}

func TestYOLOUnreadableImage(t *testing.T) {
	dir := yoloDir(t, "dog\n", "")
	writeText(t, filepath.Join(dir, "images", "train", "broken.jpg"), "not a jpeg")
	_, err := Load(dir, LoadOptions{})
	wantErr(t, err, "broken.jpg", "cannot read the image size")
	ds, err := Load(dir, LoadOptions{SkipBad: true})
	if err != nil || len(ds.Samples) != 2 || len(ds.Warnings) != 1 {
		t.Fatalf("SkipBad: %v %+v", err, ds)
	}
}
