package synth

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net/dataset"
)

func TestRenderBoxesAreTightToVisiblePixels(t *testing.T) {
	opts, classes, err := Options{Size: 96, Seed: 11, MaxObjects: 8}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	objects, crowds := 0, 0
	for i := 0; i < 40; i++ {
		_, objs, owner := render(opts, classes, i)
		n := opts.Size
		for _, o := range objs {
			b := o.Box
			if b[0] < 0 || b[1] < 0 || b[2] > float32(n) || b[3] > float32(n) || b[0] >= b[2] || b[1] >= b[3] {
				t.Fatalf("image %d: box %v outside the %dx%d image", i, b, n, n)
			}
			if o.Class < 0 || o.Class >= len(ShapeNames) {
				t.Fatalf("class %d", o.Class)
			}
			objects++
			if o.Crowd {
				crowds++
			}
		}
		// Every box edge row/column holds a pixel of its shape, and no pixel
		// of the shape lies outside the box: tight.
		for id := int16(0); id < int16(opts.MaxObjects); id++ {
			x1, y1, x2, y2, seen := n, n, -1, -1, false
			for y := 0; y < n; y++ {
				for x := 0; x < n; x++ {
					if owner[y*n+x] == id {
						seen = true
						x1, y1, x2, y2 = min(x1, x), min(y1, y), max(x2, x), max(y2, y)
					}
				}
			}
			if !seen {
				continue
			}
			want := [4]float32{float32(x1), float32(y1), float32(x2 + 1), float32(y2 + 1)}
			found := false
			for _, o := range objs {
				if o.Box == want {
					found = true
				}
			}
			if !found {
				t.Fatalf("image %d: shape %d's visible pixels span %v, no object has that box: %+v", i, id, want, objs)
			}
		}
	}
	if objects < 60 {
		t.Errorf("only %d objects in 40 images", objects)
	}
	if crowds == 0 || crowds > objects/4 {
		t.Errorf("%d of %d objects mostly hidden (crowd): expected a few", crowds, objects)
	}
}

func TestRenderCoversScalesAndClasses(t *testing.T) {
	seenClass := map[int]bool{}
	small, large := 0, 0
	for i := 0; i < 60; i++ {
		_, objs, err := Render(Options{Size: 128, Seed: 5}, i)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			seenClass[o.Class] = true
			side := max(o.Box[2]-o.Box[0], o.Box[3]-o.Box[1])
			if side <= 20 {
				small++
			}
			if side >= 80 {
				large++
			}
		}
	}
	if len(seenClass) != len(ShapeNames) || small == 0 || large == 0 {
		t.Errorf("classes %v, %d small and %d large objects", seenClass, small, large)
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	files := map[string][]byte{}
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[rel] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenerateIsDeterministic(t *testing.T) {
	base := t.TempDir()
	opts := Options{N: 6, Size: 64, Seed: 42}
	a, b, c := filepath.Join(base, "a"), filepath.Join(base, "b"), filepath.Join(base, "c")
	if err := Generate(a, opts); err != nil {
		t.Fatal(err)
	}
	if err := Generate(b, opts); err != nil {
		t.Fatal(err)
	}
	opts.Seed = 43
	if err := Generate(c, opts); err != nil {
		t.Fatal(err)
	}
	fa, fb, fc := readTree(t, a), readTree(t, b), readTree(t, c)
	if len(fa) != 7 { // 6 images + annotations.json
		t.Fatalf("%d files: %v", len(fa), fa)
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	if bytes.Equal(fa["annotations.json"], fc["annotations.json"]) {
		t.Error("a different seed gave the same annotations")
	}
}

func TestGenerateRoundTripsThroughDatasetLoad(t *testing.T) {
	for _, format := range []string{dataset.FormatCOCO, dataset.FormatVOC, dataset.FormatYOLO} {
		t.Run(format, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			opts := Options{N: 10, Size: 80, Seed: 7, Format: format, Classes: []string{"star", "circle", "cross"}}
			calls := 0
			opts.Progress = func(done, total int) {
				calls++
				if total != 10 || done != calls {
					t.Errorf("progress %d/%d at call %d", done, total, calls)
				}
			}
			if err := Generate(dir, opts); err != nil {
				t.Fatal(err)
			}
			if calls != 10 {
				t.Errorf("%d progress calls", calls)
			}
			ds, err := dataset.Load(dir, dataset.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if ds.Format != format || strings.Join(ds.Classes, ",") != "star,circle,cross" || len(ds.Samples) != 10 {
				t.Fatalf("loaded %s %v with %d samples", ds.Format, ds.Classes, len(ds.Samples))
			}
			resolved, classes, _ := opts.resolve()
			for i, s := range ds.Samples {
				_, want, _ := render(resolved, classes, i)
				var kept []dataset.Object
				for _, o := range want {
					if !(format == dataset.FormatYOLO && o.Crowd) { // YOLO has no crowd
						kept = append(kept, o)
					}
				}
				if s.Width != 80 || s.Height != 80 || len(s.Boxes) != len(kept) {
					t.Fatalf("sample %d: %dx%d with %d boxes, want %d", i, s.Width, s.Height, len(s.Boxes), len(kept))
				}
				for j, o := range s.Boxes {
					w := kept[j]
					if ShapeNames[classes[o.Class]] != ShapeNames[w.Class] || o.Crowd != w.Crowd {
						t.Errorf("sample %d object %d: class %d crowd %v, want %s crowd %v", i, j, o.Class, o.Crowd, ShapeNames[w.Class], w.Crowd)
					}
					for k := range o.Box {
						if d := o.Box[k] - w.Box[k]; d > 1e-3 || d < -1e-3 {
							t.Errorf("sample %d object %d: box %v, want %v", i, j, o.Box, w.Box)
							break
						}
					}
				}
			}
		})
	}
}

func TestGenerateLeavesNothingOnFailure(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "out")
	// The image folder cannot be created: a file stands where the temporary
	// folder's parent must be.
	blocker := filepath.Join(base, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(filepath.Join(blocker, "out"), Options{N: 2, Size: 32}); err == nil {
		t.Error("generating under a file succeeded")
	}
	// A non-empty target is refused before anything is written.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := Generate(dir, Options{N: 2, Size: 32})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("non-empty target: %v", err)
	}
	// An image write that fails midway (a progress callback puts a file
	// where the image folder was) removes the temporary folder.
	empty := filepath.Join(base, "empty")
	err = Generate(empty, Options{N: 20, Size: 32, Progress: func(done, total int) {
		if done == 1 {
			tmps, _ := filepath.Glob(filepath.Join(base, ".empty.tmp*", "images"))
			for _, p := range tmps {
				os.RemoveAll(p)
				os.WriteFile(p, nil, 0o644)
			}
		}
	}})
	if err == nil {
		t.Error("a failing image write was not reported")
	}
	entries, _ := os.ReadDir(base)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "file,out" {
		t.Errorf("left behind: %v", names)
	}
}

func TestOptionsAreChecked(t *testing.T) {
	for _, o := range []Options{
		{Size: 16}, {N: -1}, {Format: "kitti"}, {Classes: []string{"hexagon"}},
		{Classes: []string{"star", "star"}}, {MaxObjects: -2},
	} {
		if err := Generate(filepath.Join(t.TempDir(), "x"), o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}
