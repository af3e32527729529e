package dataset

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/retina-edge/retina/internal/capped"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

type vocObject struct {
	Name      string `xml:"name"`
	Difficult string `xml:"difficult"`
	BndBox    *struct {
		Xmin string `xml:"xmin"`
		Ymin string `xml:"ymin"`
		Xmax string `xml:"xmax"`
		Ymax string `xml:"ymax"`
	} `xml:"bndbox"`
	line int
}

type vocFile struct {
	Filename      string
	Width, Height int
	Objects       []vocObject
}

// parseVOC reads one Pascal VOC annotation. Objects carry their line.
func parseVOC(path string, data []byte, maxObjects int) (*vocFile, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	f := &vocFile{}
	depth := 0
	sawRoot := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return nil, xmlProblem(path, line, -1, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				if t.Name.Local != "annotation" {
					return nil, Problem{File: path, Line: 1, Object: -1, Msg: fmt.Sprintf("not a VOC annotation: the root is <%s>", t.Name.Local)}
				}
				sawRoot = true
				continue
			}
			if depth != 2 {
				continue
			}
			line, _ := dec.InputPos()
			switch t.Name.Local {
			case "filename":
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return nil, xmlProblem(path, line, -1, err)
				}
				f.Filename = strings.TrimSpace(s)
			case "size":
				var sz struct {
					Width  string `xml:"width"`
					Height string `xml:"height"`
				}
				if err := dec.DecodeElement(&sz, &t); err != nil {
					return nil, xmlProblem(path, line, -1, err)
				}
				// An absent or zero size is read from the image instead.
				f.Width, _ = strconv.Atoi(strings.TrimSpace(sz.Width))
				f.Height, _ = strconv.Atoi(strings.TrimSpace(sz.Height))
			case "object":
				if len(f.Objects) >= maxObjects {
					return nil, Problem{File: path, Line: line, Object: len(f.Objects), Msg: fmt.Sprintf("more than %d objects", maxObjects)}
				}
				o := vocObject{line: line}
				if err := dec.DecodeElement(&o, &t); err != nil {
					return nil, xmlProblem(path, line, len(f.Objects), err)
				}
				f.Objects = append(f.Objects, o)
			default:
				if err := dec.Skip(); err != nil {
					return nil, xmlProblem(path, line, -1, err)
				}
			}
			depth-- // DecodeElement and Skip consume the end element
		case xml.EndElement:
			depth--
		}
	}
	if !sawRoot {
		return nil, Problem{File: path, Line: 1, Object: -1, Msg: "not a VOC annotation: no <annotation> element"}
	}
	return f, nil
}

// xmlProblem reports a decoding error at the parser's line when it has one.
func xmlProblem(path string, line, object int, err error) Problem {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return Problem{File: path, Line: syn.Line, Object: object, Msg: "malformed XML: " + syn.Msg}
	}
	return Problem{File: path, Line: line, Object: object, Msg: "malformed XML: " + err.Error()}
}

// box converts VOC's 1-based inclusive pixel bounds to x1, y1, x2, y2:
// pixels xmin..xmax cover [xmin-1, xmax).
func (o *vocObject) box() ([4]float64, string) {
	if o.BndBox == nil {
		return [4]float64{}, "no <bndbox>"
	}
	var v [4]float64
	for i, s := range []string{o.BndBox.Xmin, o.BndBox.Ymin, o.BndBox.Xmax, o.BndBox.Ymax} {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return v, fmt.Sprintf("bndbox value %q is not a number", s)
		}
		v[i] = x
	}
	return [4]float64{v[0] - 1, v[1] - 1, v[2], v[3]}, ""
}

// vocLayout finds the annotation and image folders of a VOC dataset: the
// VOCdevkit layout (Annotations/ + JPEGImages/) or XML files beside images.
func vocLayout(dir string) (annDir, imgDir string) {
	if isDir(filepath.Join(dir, "Annotations")) {
		annDir = filepath.Join(dir, "Annotations")
		imgDir = filepath.Join(dir, "JPEGImages")
		if !isDir(imgDir) {
			imgDir = dir
		}
		return annDir, imgDir
	}
	return dir, dir
}

func listFiles(dir, ext string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ext) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// findVOCImage looks for the image of an annotation: <filename> in the
// image folder, else an image with the XML's base name in either folder.
func findVOCImage(xmlPath, filename, annDir, imgDir string) string {
	if filename != "" {
		for _, d := range []string{imgDir, annDir} {
			if p := filepath.Join(d, filepath.Base(filename)); exists(p) {
				return p
			}
		}
	}
	base := strings.TrimSuffix(filepath.Base(xmlPath), filepath.Ext(xmlPath))
	if filename != "" && strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename)) != base {
		return "" // a named image that is not there is missing, not guessed
	}
	for _, d := range []string{imgDir, annDir} {
		for _, ext := range []string{".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"} {
			if p := filepath.Join(d, base+ext); exists(p) {
				return p
			}
		}
	}
	return ""
}

// loadVOC reads every .xml of a VOC dataset folder.
func loadVOC(dir string, o LoadOptions) (*Dataset, error) {
	annDir, imgDir := vocLayout(dir)
	xmls, err := listFiles(annDir, ".xml")
	if err != nil {
		return nil, err
	}
	if len(xmls) == 0 {
		return nil, fmt.Errorf("%s: no .xml annotation files", annDir)
	}
	if len(xmls) > o.maxSamples() {
		return nil, fmt.Errorf("%s: %d annotation files, more than the %d limit", annDir, len(xmls), o.maxSamples())
	}
	ps := &problems{skip: o.SkipBad}
	files := make([]*vocFile, len(xmls))
	for i, p := range xmls {
		data, err := capped.ReadFile(p, o.maxFile(defaultMaxFile))
		if err == nil {
			files[i], err = parseVOC(p, data, o.maxObjects())
		}
		if err != nil {
			pr, ok := err.(Problem)
			if !ok {
				pr = Problem{File: p, Object: -1, Msg: err.Error()}
			}
			if err := ps.add(pr); err != nil {
				return nil, err
			}
		}
	}
	classes, err := vocClasses(dir, annDir, files, o)
	if err != nil {
		return nil, err
	}
	classOf := make(map[string]int, len(classes))
	for i, c := range classes {
		classOf[c] = i
	}
	ds := &Dataset{Format: FormatVOC, Classes: classes}
	for i, f := range files {
		if f == nil {
			continue // reported above
		}
		p := xmls[i]
		img := findVOCImage(p, f.Filename, annDir, imgDir)
		if img == "" {
			name := f.Filename
			if name == "" {
				name = strings.TrimSuffix(filepath.Base(p), filepath.Ext(p)) + ".jpg"
			}
			if err := ps.add(Problem{File: p, Object: -1, Msg: "missing image file " + filepath.Join(imgDir, name)}); err != nil {
				return nil, err
			}
			continue
		}
		w, h := f.Width, f.Height
		if w <= 0 || h <= 0 {
			if w, h, err = imageSize(img); err != nil {
				if err := ps.add(Problem{File: p, Object: -1, Msg: err.Error()}); err != nil {
					return nil, err
				}
				continue
			}
		}
		s := Sample{ImagePath: img, Width: w, Height: h}
		for j, ob := range f.Objects {
			bad := func(msg string) error { return ps.add(Problem{File: p, Line: ob.line, Object: j, Msg: msg}) }
			name := strings.TrimSpace(ob.Name)
			class, ok := classOf[name]
			if !ok {
				if err := bad(fmt.Sprintf("unknown class %q", name)); err != nil {
					return nil, err
				}
				continue
			}
			raw, msg := ob.box()
			var box [4]float32
			if msg == "" {
				box, msg = checkBox(raw, w, h)
			}
			if msg != "" {
				if err := bad(msg); err != nil {
					return nil, err
				}
				continue
			}
			crowd := strings.TrimSpace(ob.Difficult) == "1"
			s.Boxes = append(s.Boxes, Object{Box: box, Class: class, Crowd: crowd, Area: boxArea(box)})
		}
		ds.Samples = append(ds.Samples, s)
	}
	ds.Warnings = ps.list
	return ds, nil
}

// vocClasses: LoadOptions.Classes, else a names file, else every name seen.
func vocClasses(dir, annDir string, files []*vocFile, o LoadOptions) ([]string, error) {
	if len(o.Classes) > 0 {
		return o.Classes, nil
	}
	for _, d := range []string{dir, annDir} {
		for _, n := range []string{"classes.txt", "labels.txt"} {
			if p := filepath.Join(d, n); exists(p) {
				return readNamesFile(p, o)
			}
		}
	}
	seen := map[string]bool{}
	var names []string
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, ob := range f.Objects {
			n := strings.TrimSpace(ob.Name)
			if n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}
