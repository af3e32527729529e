package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/retina-edge/retina/internal/capped"
	"path/filepath"
	"sort"
)

type cocoImage struct {
	ID       *int64 `json:"id"`
	FileName string `json:"file_name"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	line     int
}

type cocoCategory struct {
	ID   *int64 `json:"id"`
	Name string `json:"name"`
	line int
}

type cocoAnnotation struct {
	ID         int64            `json:"id"`
	ImageID    *int64           `json:"image_id"`
	CategoryID *int64           `json:"category_id"`
	BBox       []float64        `json:"bbox"`
	Area       *float64         `json:"area"`
	IsCrowd    capped.CrowdFlag `json:"iscrowd"`
	line       int
}

type cocoFile struct {
	images      []cocoImage
	categories  []cocoCategory
	annotations []cocoAnnotation
}

// lineCounter turns increasing byte offsets into line numbers in linear time.
type lineCounter struct {
	data       []byte
	off        int64
	line       int
	lastOffset int64
}

// lineOfNext returns the line of the next JSON value at or after off.
func (lc *lineCounter) lineOfNext(off int64) int {
	for off < int64(len(lc.data)) {
		switch lc.data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
			continue
		}
		break
	}
	if off < lc.off { // never expected: offsets only grow
		return lineAt(lc.data, off)
	}
	lc.line += bytes.Count(lc.data[lc.off:off], []byte("\n"))
	lc.off = off
	return lc.line
}

// limitError is a size limit hit while decoding (not a JSON error).
type limitError struct{ error }

// parseCOCO decodes a COCO instances file element by element, so that
// each image, category and annotation knows its line.
func parseCOCO(path string, data []byte, o LoadOptions) (*cocoFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	lc := &lineCounter{data: data, line: 1}
	fail := func(err error) (*cocoFile, error) {
		// The streaming decoder's offsets are not absolute: decode the whole
		// document to find where the error is.
		var whole struct {
			Images      []cocoImage      `json:"images"`
			Categories  []cocoCategory   `json:"categories"`
			Annotations []cocoAnnotation `json:"annotations"`
		}
		if werr := json.Unmarshal(data, &whole); werr != nil {
			err = werr
		}
		return nil, capped.JSONError(path, data, err)
	}
	if tok, err := dec.Token(); err != nil {
		return fail(err)
	} else if tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: not a COCO instances file: the top level is not an object", path)
	}
	f := &cocoFile{}
	var seen [3]bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		// each reads one array element into the right list
		var each func() error
		switch key {
		case "images":
			seen[0] = true
			each = func() error {
				im := cocoImage{line: lc.lineOfNext(dec.InputOffset())}
				if len(f.images) >= o.maxSamples() {
					return limitError{fmt.Errorf("%s: more than %d images", path, o.maxSamples())}
				}
				err := dec.Decode(&im)
				f.images = append(f.images, im)
				return err
			}
		case "categories":
			seen[1] = true
			each = func() error {
				c := cocoCategory{line: lc.lineOfNext(dec.InputOffset())}
				err := dec.Decode(&c)
				f.categories = append(f.categories, c)
				return err
			}
		case "annotations":
			seen[2] = true
			each = func() error {
				a := cocoAnnotation{line: lc.lineOfNext(dec.InputOffset())}
				if len(f.annotations) >= o.maxSamples()*4 {
					return limitError{fmt.Errorf("%s: more than %d annotations", path, o.maxSamples()*4)}
				}
				err := dec.Decode(&a)
				f.annotations = append(f.annotations, a)
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
			continue
		}
		if tok, err := dec.Token(); err != nil {
			return fail(err)
		} else if tok != json.Delim('[') {
			return nil, fmt.Errorf("%s:%d: %q must be a list", path, lc.lineOfNext(dec.InputOffset()), key)
		}
		for dec.More() {
			if err := each(); err != nil {
				if le, ok := err.(limitError); ok {
					return nil, le.error
				}
				return fail(err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return fail(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(err)
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return nil, fmt.Errorf("%s: not a COCO instances file: needs \"images\", \"categories\" and \"annotations\"", path)
	}
	return f, nil
}

// imageCheck resolves an image's file and size: it returns the path, the
// size (reading the header when the JSON has none) and a problem or "".
type imageCheck func(fileName string, w, h int) (string, int, int, string)

// buildCOCO validates the parsed file and turns it into a Dataset.
func buildCOCO(path string, f *cocoFile, o LoadOptions, ps *problems, check imageCheck) (*Dataset, error) {
	cats := append([]cocoCategory(nil), f.categories...)
	for _, c := range cats {
		if c.ID == nil {
			return nil, Problem{File: path, Line: c.line, Object: -1, Msg: "category has no id"}
		}
	}
	sort.SliceStable(cats, func(i, j int) bool { return *cats[i].ID < *cats[j].ID })
	classOf := make(map[int64]int, len(cats))
	ds := &Dataset{Format: FormatCOCO, Classes: make([]string, len(cats))}
	for i, c := range cats {
		if _, dup := classOf[*c.ID]; dup {
			return nil, Problem{File: path, Line: c.line, Object: -1, Msg: fmt.Sprintf("category id %d appears twice", *c.ID)}
		}
		classOf[*c.ID] = i
		ds.Classes[i] = c.Name
	}
	sampleOf := make(map[int64]int, len(f.images))
	for _, im := range f.images {
		bad := func(msg string) error { return ps.add(Problem{File: path, Line: im.line, Object: -1, Msg: msg}) }
		if im.ID == nil {
			if err := bad("image has no id"); err != nil {
				return nil, err
			}
			continue
		}
		if _, dup := sampleOf[*im.ID]; dup {
			if err := bad(fmt.Sprintf("image id %d appears twice", *im.ID)); err != nil {
				return nil, err
			}
			continue
		}
		sampleOf[*im.ID] = -1 // known, but not (yet) usable
		if im.FileName == "" {
			if err := bad(fmt.Sprintf("image %d has no file_name", *im.ID)); err != nil {
				return nil, err
			}
			continue
		}
		p, w, h, msg := check(im.FileName, im.Width, im.Height)
		if msg != "" {
			if err := bad(fmt.Sprintf("image %d: %s", *im.ID, msg)); err != nil {
				return nil, err
			}
			continue
		}
		sampleOf[*im.ID] = len(ds.Samples)
		ds.Samples = append(ds.Samples, Sample{ImagePath: p, Width: w, Height: h})
	}
	for i, a := range f.annotations {
		bad := func(msg string) error {
			return ps.add(Problem{File: path, Line: a.line, Object: i, Msg: fmt.Sprintf("annotation id %d: %s", a.ID, msg)})
		}
		if a.ImageID == nil || a.CategoryID == nil {
			if err := bad("needs image_id and category_id"); err != nil {
				return nil, err
			}
			continue
		}
		s, ok := sampleOf[*a.ImageID]
		if !ok {
			if err := bad(fmt.Sprintf("image_id %d is not in images", *a.ImageID)); err != nil {
				return nil, err
			}
			continue
		}
		if s < 0 {
			continue // its image was already reported
		}
		class, ok := classOf[*a.CategoryID]
		if !ok {
			if err := bad(fmt.Sprintf("unknown class: category_id %d is not in categories", *a.CategoryID)); err != nil {
				return nil, err
			}
			continue
		}
		if len(a.BBox) != 4 {
			if err := bad(fmt.Sprintf("bbox must be [x, y, w, h], got %d numbers", len(a.BBox))); err != nil {
				return nil, err
			}
			continue
		}
		sm := &ds.Samples[s]
		x, y, w, h := a.BBox[0], a.BBox[1], a.BBox[2], a.BBox[3]
		box, msg := checkBox([4]float64{x, y, x + w, y + h}, sm.Width, sm.Height)
		if msg != "" {
			if err := bad(msg); err != nil {
				return nil, err
			}
			continue
		}
		if len(sm.Boxes) >= o.maxObjects() {
			return nil, Problem{File: path, Line: a.line, Object: i, Msg: fmt.Sprintf("image %d has more than %d objects", *a.ImageID, o.maxObjects())}
		}
		obj := Object{Box: box, Class: class, Crowd: bool(a.IsCrowd), Area: boxArea(box)}
		if a.Area != nil && *a.Area >= 0 {
			obj.Area = float32(*a.Area)
		}
		sm.Boxes = append(sm.Boxes, obj)
	}
	ds.Warnings = ps.list
	return ds, nil
}

// loadCOCO reads a COCO instances JSON and checks its images on disk.
func loadCOCO(path string, o LoadOptions) (*Dataset, error) {
	data, err := capped.ReadFile(path, o.maxFile(defaultMaxJSON))
	if err != nil {
		return nil, err
	}
	f, err := parseCOCO(path, data, o)
	if err != nil {
		return nil, err
	}
	root := o.ImageDir
	if root == "" {
		root = cocoImageRoot(path, f)
	}
	check := func(name string, w, h int) (string, int, int, string) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if !exists(p) {
			return "", 0, 0, fmt.Sprintf("missing image file %s", p)
		}
		if w <= 0 || h <= 0 {
			var err error
			if w, h, err = imageSize(p); err != nil {
				return "", 0, 0, err.Error()
			}
		}
		return p, w, h, ""
	}
	return buildCOCO(path, f, o, &problems{skip: o.SkipBad}, check)
}

// cocoImageRoot picks the folder file_name entries are relative to: the
// first candidate that holds the first image (the JSON's folder otherwise).
func cocoImageRoot(jsonPath string, f *cocoFile) string {
	dir := filepath.Dir(jsonPath)
	candidates := []string{dir, filepath.Join(dir, "images"), filepath.Join(dir, "..", "images"), filepath.Join(dir, "..")}
	for _, im := range f.images {
		if im.FileName == "" {
			continue
		}
		for _, c := range candidates {
			if exists(filepath.Join(c, filepath.FromSlash(im.FileName))) {
				return c
			}
		}
		break
	}
	return dir
}
