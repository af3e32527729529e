package dataset

import (
	"path/filepath"
	"testing"
)

const goodCOCO = `{
 "images": [
  {"id": 7, "file_name": "a.jpg", "width": 64, "height": 48},
  {"id": 9, "file_name": "b.jpg"}
 ],
 "categories": [{"id": 5, "name": "dog"}, {"id": 1, "name": "person"}, {"id": 3, "name": "car"}],
 "annotations": [
  {"id": 1, "image_id": 7, "category_id": 5, "bbox": [10, 5, 20, 10], "area": 150, "iscrowd": 0},
  {"id": 2, "image_id": 7, "category_id": 1, "bbox": [0, 0, 64.4, 48], "iscrowd": 1},
  {"id": 3, "image_id": 9, "category_id": 3, "bbox": [1, 2, 3, 4]}
 ]
}`

func cocoDir(t *testing.T, json string) string {
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "images", "a.jpg"), 64, 48)
	writeJPEG(t, filepath.Join(dir, "images", "b.jpg"), 32, 16)
	writeText(t, filepath.Join(dir, "instances.json"), json)
	return dir
}

func TestCOCOLoad(t *testing.T) {
	dir := cocoDir(t, goodCOCO)
	ds, err := Load(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Format != FormatCOCO || len(ds.Samples) != 2 {
		t.Fatalf("format %q, %d samples", ds.Format, len(ds.Samples))
	}
	// Categories sorted by id: 1 person, 3 car, 5 dog.
	if want := []string{"person", "car", "dog"}; len(ds.Classes) != 3 || ds.Classes[0] != want[0] || ds.Classes[1] != want[1] || ds.Classes[2] != want[2] {
		t.Fatalf("classes %v, want %v", ds.Classes, want)
	}
	a := ds.Samples[0]
	if a.ImagePath != filepath.Join(dir, "images", "a.jpg") || a.Width != 64 || a.Height != 48 || len(a.Boxes) != 2 {
		t.Fatalf("sample a = %+v", a)
	}
	if o := a.Boxes[0]; o.Class != 2 || o.Box != [4]float32{10, 5, 30, 15} || o.Area != 150 || o.Crowd {
		t.Errorf("dog = %+v", o)
	}
	// 0.4 px past the edge is clipped; no area field: the box's.
	if o := a.Boxes[1]; o.Class != 0 || o.Box != [4]float32{0, 0, 64, 48} || !o.Crowd || o.Area != 64*48 {
		t.Errorf("person = %+v", o)
	}
	// No width/height in the JSON: read from the JPEG header.
	if b := ds.Samples[1]; b.Width != 32 || b.Height != 16 || b.Boxes[0].Class != 1 {
		t.Errorf("sample b = %+v", b)
	}
}

func TestCOCOBadAnnotations(t *testing.T) {
	cases := []struct {
		name, ann string
		want      []string
	}{
		{"outside", `{"id": 4, "image_id": 7, "category_id": 5, "bbox": [50, 5, 20, 10]}`, []string{":7: object 0", "outside the 64x48 image"}},
		{"negative", `{"id": 4, "image_id": 7, "category_id": 5, "bbox": [5, 5, -2, 10]}`, []string{":7: object 0", "negative size"}},
		{"zero", `{"id": 4, "image_id": 7, "category_id": 5, "bbox": [5, 5, 0, 10]}`, []string{"zero size"}},
		{"unknown class", `{"id": 4, "image_id": 7, "category_id": 2, "bbox": [5, 5, 2, 10]}`, []string{":7: object 0", "unknown class", "category_id 2"}},
		{"unknown image", `{"id": 4, "image_id": 8, "category_id": 5, "bbox": [5, 5, 2, 10]}`, []string{"image_id 8 is not in images"}},
		{"short bbox", `{"id": 4, "image_id": 7, "category_id": 5, "bbox": [5, 5, 2]}`, []string{"got 3 numbers"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			json := `{
 "images": [{"id": 7, "file_name": "a.jpg", "width": 64, "height": 48}],
 "categories": [{"id": 5, "name": "dog"}],
 "annotations": [
  {"id": 1, "image_id": 7, "category_id": 5, "bbox": [1, 1, 2, 2]}
 ,
  ` + c.ann + `
 ]}`
			// The bad annotation is on line 7, the second (index 1).
			dir := cocoDir(t, json)
			_, err := Load(dir, LoadOptions{})
			want := append([]string{filepath.Join(dir, "instances.json")}, c.want...)
			for i, w := range want {
				if w == ":7: object 0" {
					want[i] = ":7: object 1"
				}
			}
			wantErr(t, err, want...)
			ds, err := Load(dir, LoadOptions{SkipBad: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Warnings) != 1 || len(ds.Samples) != 1 || len(ds.Samples[0].Boxes) != 1 {
				t.Errorf("SkipBad: %d warnings, %+v", len(ds.Warnings), ds.Samples)
			}
		})
	}
}

func TestCOCOMissingImage(t *testing.T) {
	json := `{"images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48},
{"id": 2, "file_name": "gone.jpg", "width": 64, "height": 48}],
"categories": [{"id": 1, "name": "x"}],
"annotations": [{"id": 1, "image_id": 2, "category_id": 1, "bbox": [1, 1, 2, 2]}]}`
	dir := cocoDir(t, json)
	_, err := Load(dir, LoadOptions{})
	wantErr(t, err, "instances.json:2", "missing image file", "gone.jpg")
	ds, err := Load(dir, LoadOptions{SkipBad: true})
	if err != nil || len(ds.Samples) != 1 || len(ds.Warnings) != 1 {
		t.Fatalf("SkipBad: %v %+v", err, ds)
	}
}

func TestCOCOMalformedJSON(t *testing.T) {
	dir := cocoDir(t, "{\"images\": [\n {\"id\": 1,,}\n]}")
	_, err := Load(filepath.Join(dir, "instances.json"), LoadOptions{})
	wantErr(t, err, "instances.json:2:11", "invalid character")
	dir = cocoDir(t, `{"images": [], "categories": []}`)
	_, err = Load(filepath.Join(dir, "instances.json"), LoadOptions{})
	wantErr(t, err, "needs \"images\", \"categories\" and \"annotations\"")
	dir = cocoDir(t, "{\"images\": [{\"id\": \"seven\"}], \"categories\": [], \"annotations\": []}")
	_, err = Load(filepath.Join(dir, "instances.json"), LoadOptions{})
	wantErr(t, err, "instances.json:1:")
}

func TestCOCOLimits(t *testing.T) {
	dir := cocoDir(t, goodCOCO)
	_, err := Load(dir, LoadOptions{MaxFileSize: 100})
	wantErr(t, err, "more than the 100-byte limit")
	_, err = Load(dir, LoadOptions{MaxSamples: 1})
	wantErr(t, err, "more than 1 images")
	_, err = Load(dir, LoadOptions{MaxObjects: 1})
	wantErr(t, err, "more than 1 objects")
}
