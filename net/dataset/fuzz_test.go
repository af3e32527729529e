package dataset

import (
	"strings"
	"testing"
)

func FuzzParseCOCO(f *testing.F) {
	f.Add([]byte(goodCOCO))
	f.Add([]byte(`{"images":[{"id":1,"file_name":"a","width":5,"height":5}],"categories":[{"id":1}],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,1e9,1]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parseCOCO("f.json", data, LoadOptions{MaxSamples: 1000})
		if err != nil {
			return
		}
		check := func(name string, w, h int) (string, int, int, string) {
			if w <= 0 || h <= 0 || w > 1<<16 || h > 1<<16 {
				return "", 0, 0, "no size"
			}
			return name, w, h, ""
		}
		ds, err := buildCOCO("f.json", file, LoadOptions{}, &problems{skip: true}, check)
		if err != nil {
			return
		}
		checkInvariants(t, ds)
	})
}

func FuzzParseVOC(f *testing.F) {
	f.Add([]byte(vocXML("a.jpg", vocObj("dog", 1, 1, 1, 10, 20))))
	f.Add([]byte("<annotation><object><bndbox><xmin>1</xmin></bndbox></object></annotation>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseVOC("f.xml", data, 1000)
		if err != nil {
			return
		}
		for _, o := range v.Objects {
			if raw, msg := o.box(); msg == "" {
				if b, msg := checkBox(raw, 64, 48); msg == "" && (b[0] < 0 || b[2] > 64 || b[0] >= b[2] || b[1] >= b[3]) {
					t.Fatalf("accepted box %v", b)
				}
			}
		}
	})
}

func FuzzParseYOLO(f *testing.F) {
	f.Add([]byte("0 0.5 0.5 0.2 0.2\n1 0.1 0.1 0.1 0.1\n"), 2)
	f.Add([]byte("# x\n3 1 1 1 1 1\n"), 1)
	f.Fuzz(func(t *testing.T, data []byte, classes int) {
		lines, _, err := parseYOLOLabels("f.txt", data, classes, 1000, &problems{skip: true})
		if err != nil {
			return
		}
		for _, l := range lines {
			if l.class < 0 || l.class >= classes {
				t.Fatalf("accepted class %d of %d", l.class, classes)
			}
		}
	})
}

func FuzzYAMLNames(f *testing.F) {
	f.Add("names: [a, 'b']\n")
	f.Add("names:\n  0: a\n  1: b\n")
	f.Add("names:\n - a\n")
	f.Add("names: {0: person, 1: 'traffic light'}\nnc: 2\n")
	f.Add("a: &a [x, x]\nb: &b [*a, *a]\nnames: *b\n")
	f.Fuzz(func(t *testing.T, text string) {
		names, err := parseYAMLNames("d.yaml", []byte(text))
		if err == nil && len(names) == 0 {
			t.Fatal("no names and no error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "d.yaml") {
			t.Fatalf("error %q does not name the file", err)
		}
		for _, n := range names {
			if n == "" {
				t.Fatalf("empty name in %q", names)
			}
		}
	})
}

func checkInvariants(t *testing.T, ds *Dataset) {
	for _, s := range ds.Samples {
		for _, o := range s.Boxes {
			b := o.Box
			if o.Class < 0 || o.Class >= len(ds.Classes) || b[0] < 0 || b[1] < 0 || b[2] > float32(s.Width) || b[3] > float32(s.Height) || b[0] >= b[2] || b[1] >= b[3] {
				t.Fatalf("invalid object %+v in %dx%d", o, s.Width, s.Height)
			}
		}
	}
}
