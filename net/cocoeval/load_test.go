package cocoeval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const smallGT = `{"images":[{"id":1},{"id":2}],
"categories":[{"id":3,"name":"cat"}],
"annotations":[
 {"id":1,"image_id":1,"category_id":3,"bbox":[0,0,10,10],"area":80,"iscrowd":0},
 {"id":2,"image_id":2,"category_id":3,"bbox":[5,5,20,20],"iscrowd":true}
]}`

func TestParseGT(t *testing.T) {
	d, err := ParseGT("gt.json", []byte(smallGT))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ImageIDs) != 2 || d.CategoryName(3) != "cat" || len(d.Annotations) != 2 {
		t.Fatalf("parsed %+v", d)
	}
	if a := d.Annotations[0]; a.Area != 80 || a.Crowd || a.Box != [4]float64{0, 0, 10, 10} {
		t.Errorf("annotation 0 = %+v", a)
	}
	if a := d.Annotations[1]; a.Area != 400 || !a.Crowd {
		t.Errorf("annotation 1 (no area: w*h; iscrowd true) = %+v", a)
	}
}

func TestParseErrorsNameThePlace(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"syntax", "{\"images\":[\n{\"id\":1},\n{\"id\":}]}", "gt.json:3:7"},
		{"type", "{\"images\":[{\"id\":\"x\"}],\"categories\":[],\"annotations\":[]}", "gt.json:1:"},
		{"not instances", `{"images":[]}`, "not a COCO instances file"},
		{"no id", `{"images":[{}],"categories":[],"annotations":[]}`, "images[0] has no id"},
		{"duplicate id", `{"images":[{"id":1}],"categories":[{"id":1}],"annotations":[
			{"id":4,"image_id":1,"category_id":1,"bbox":[0,0,1,1]},{"id":4,"image_id":1,"category_id":1,"bbox":[0,0,1,1]}]}`,
			"annotations[1]: id 4 is also the id of annotations[0]"},
		{"short bbox", `{"images":[{"id":1}],"categories":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1]}]}`,
			"annotations[0] (id 1): bbox must be [x, y, w, h], got 3 numbers"},
		{"bad crowd", `{"images":[{"id":1}],"categories":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1,1],"iscrowd":2}]}`,
			"iscrowd must be"},
	}
	for _, c := range cases {
		_, err := ParseGT("gt.json", []byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.want)
		}
	}
}

func TestParseResults(t *testing.T) {
	gt, err := ParseGT("gt.json", []byte(smallGT))
	if err != nil {
		t.Fatal(err)
	}
	dts, err := ParseResults(gt, "dt.json", []byte(`[{"image_id":2,"category_id":3,"bbox":[1,2,3,4],"score":0.5}]`))
	if err != nil || len(dts) != 1 || dts[0].Box != [4]float64{1, 2, 3, 4} || dts[0].Score != .5 {
		t.Fatalf("got %+v, %v", dts, err)
	}
	if dts, err := ParseResults(gt, "dt.json", []byte(`[]`)); err != nil || len(dts) != 0 {
		t.Errorf("empty results: %v %v", dts, err)
	}
	bad := []struct{ data, want string }{
		{`[{"image_id":9,"category_id":3,"bbox":[1,2,3,4],"score":0.5}]`, "result 0: image_id 9 is not an image of the ground truth"},
		{`[{"image_id":1,"category_id":3,"bbox":[1,2,3,4]}]`, "result 0: needs image_id, category_id, bbox and score"},
		{`[{"image_id":1,"category_id":3,"bbox":[],"score":1}]`, "bbox must be"},
		{`{"image_id":1}`, "dt.json:1:1"},
	}
	for _, b := range bad {
		_, err := ParseResults(gt, "dt.json", []byte(b.data))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want %q", b.data, err, b.want)
		}
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "gt.json")
	if err := os.WriteFile(p, []byte(smallGT), 0o644); err != nil {
		t.Fatal(err)
	}
	gt, err := LoadGT(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadResults(gt, filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing results file accepted")
	}
}

func FuzzParseAndEvaluate(f *testing.F) {
	f.Add([]byte(smallGT), []byte(`[{"image_id":2,"category_id":3,"bbox":[1,2,3,4],"score":0.5}]`))
	f.Add([]byte(`{"images":[{"id":1}],"categories":[{"id":1}],"annotations":[{"id":0,"image_id":1,"category_id":1,"bbox":[0,0,0,0],"iscrowd":1}]}`),
		[]byte(`[{"image_id":1,"category_id":1,"bbox":[0,0,0,0],"score":1}]`))
	f.Fuzz(func(t *testing.T, gtData, dtData []byte) {
		gt, err := ParseGT("gt.json", gtData)
		if err != nil {
			return
		}
		dts, err := ParseResults(gt, "dt.json", dtData)
		if err != nil {
			return
		}
		r, err := Evaluate(gt, dts, DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range r.Stats {
			if s != -1 && !(s >= 0 && s <= 1) {
				t.Fatalf("%s = %v outside [0, 1]", StatNames[i], s)
			}
		}
	})
}
