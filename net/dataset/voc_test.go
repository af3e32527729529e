package dataset

import (
	"fmt"
	"path/filepath"
	"testing"
)

func vocXML(filename string, objects ...string) string {
	s := "<annotation>\n<folder>JPEGImages</folder>\n<filename>" + filename + "</filename>\n" +
		"<size><width>64</width><height>48</height><depth>3</depth></size>\n"
	for _, o := range objects {
		s += o + "\n"
	}
	return s + "</annotation>\n"
}

func vocObj(name string, difficult int, x1, y1, x2, y2 any) string {
	return fmt.Sprintf("<object><name>%s</name><difficult>%d</difficult><bndbox><xmin>%v</xmin><ymin>%v</ymin><xmax>%v</xmax><ymax>%v</ymax></bndbox></object>",
		name, difficult, x1, y1, x2, y2)
}

func vocDir(t *testing.T, xmls map[string]string) string {
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "JPEGImages", "a.jpg"), 64, 48)
	writeJPEG(t, filepath.Join(dir, "JPEGImages", "b.jpg"), 64, 48)
	for name, x := range xmls {
		writeText(t, filepath.Join(dir, "Annotations", name), x)
	}
	return dir
}

func TestVOCLoad(t *testing.T) {
	dir := vocDir(t, map[string]string{
		"a.xml": vocXML("a.jpg", vocObj("dog", 0, 1, 1, 10, 20), vocObj("cat", 1, 5, 6, 64, 48)),
		"b.xml": vocXML("b.jpg"),
	})
	ds, err := Load(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Format != FormatVOC || len(ds.Samples) != 2 || len(ds.Classes) != 2 || ds.Classes[0] != "cat" || ds.Classes[1] != "dog" {
		t.Fatalf("format %q classes %v samples %d", ds.Format, ds.Classes, len(ds.Samples))
	}
	a := ds.Samples[0]
	if a.ImagePath != filepath.Join(dir, "JPEGImages", "a.jpg") || a.Width != 64 || a.Height != 48 {
		t.Fatalf("sample %+v", a)
	}
	// 1-based inclusive pixels 1..10 are [0, 10).
	if o := a.Boxes[0]; o.Class != 1 || o.Box != [4]float32{0, 0, 10, 20} || o.Crowd {
		t.Errorf("dog %+v", o)
	}
	if o := a.Boxes[1]; o.Class != 0 || o.Box != [4]float32{4, 5, 64, 48} || !o.Crowd {
		t.Errorf("difficult cat %+v", o)
	}
	// A fixed class list decides the indices.
	ds, err = Load(dir, LoadOptions{Classes: []string{"dog", "cat"}})
	if err != nil || ds.Samples[0].Boxes[0].Class != 0 {
		t.Errorf("fixed classes: %v %+v", err, ds)
	}
}

func TestVOCBesideImages(t *testing.T) {
	dir := t.TempDir()
	writeJPEG(t, filepath.Join(dir, "x.jpg"), 64, 48)
	writeText(t, filepath.Join(dir, "x.xml"), vocXML("", vocObj("dog", 0, 2, 2, 9, 9)))
	format, _, err := Detect(dir)
	if err != nil || format != FormatVOC {
		t.Fatalf("detect %q %v", format, err)
	}
	ds, err := Load(dir, LoadOptions{})
	if err != nil || len(ds.Samples) != 1 || ds.Samples[0].ImagePath != filepath.Join(dir, "x.jpg") {
		t.Fatalf("%v %+v", err, ds)
	}
}

func TestVOCBadAnnotations(t *testing.T) {
	cases := []struct {
		name, xml string
		opts      LoadOptions
		want      []string
	}{
		{"malformed", "<annotation>\n<filename>a.jpg</filename>\n<object><name>dog</name>\n</annotation>", LoadOptions{}, []string{"a.xml:4", "malformed XML"}},
		{"outside", vocXML("a.jpg", vocObj("dog", 0, 1, 1, 10, 10), vocObj("dog", 0, 10, 10, 90, 20)), LoadOptions{}, []string{"a.xml:6: object 1", "outside the 64x48 image"}},
		{"negative", vocXML("a.jpg", vocObj("dog", 0, 1, 1, 10, 10), vocObj("dog", 0, 30, 10, 20, 20)), LoadOptions{}, []string{"a.xml:6: object 1", "negative size"}},
		{"unknown class", vocXML("a.jpg", vocObj("dog", 0, 1, 1, 10, 10), vocObj("cow", 0, 1, 1, 10, 10)), LoadOptions{Classes: []string{"dog"}}, []string{"a.xml:6: object 1", `unknown class "cow"`}},
		{"not a number", vocXML("a.jpg", vocObj("dog", 0, 1, 1, 10, 10), vocObj("dog", 0, "x", 1, 10, 10)), LoadOptions{}, []string{"a.xml:6: object 1", `"x" is not a number`}},
		{"missing image", vocXML("gone.jpg", vocObj("dog", 0, 1, 1, 10, 10)), LoadOptions{}, []string{"a.xml", "missing image file", "gone.jpg"}},
		{"wrong root", "<html></html>", LoadOptions{}, []string{"a.xml:1", "not a VOC annotation"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := vocDir(t, map[string]string{"a.xml": c.xml, "b.xml": vocXML("b.jpg", vocObj("dog", 0, 1, 1, 5, 5))})
			_, err := Load(dir, c.opts)
			wantErr(t, err, c.want...)
			o := c.opts
			o.SkipBad = true
			ds, err := Load(dir, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Warnings) != 1 {
				t.Errorf("SkipBad: warnings %v", ds.Warnings)
			}
			n := 0
			for _, s := range ds.Samples {
				n += len(s.Boxes)
			}
			if want := map[bool]int{true: 2, false: 1}[len(ds.Samples) == 2 && c.name != "missing image" && c.name != "malformed" && c.name != "wrong root"]; n != want {
				t.Errorf("SkipBad kept %d boxes in %d samples, want %d", n, len(ds.Samples), want)
			}
		})
	}
}
