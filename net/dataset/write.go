package dataset

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteCOCO writes ds as a COCO instances JSON at path. Category ids are
// class index + 1; file_name is the image path relative to path's folder
// (the images must be inside it); image and annotation ids count from 1.
func WriteCOCO(path string, ds *Dataset) error {
	type image struct {
		ID       int    `json:"id"`
		FileName string `json:"file_name"`
		Width    int    `json:"width"`
		Height   int    `json:"height"`
	}
	type category struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	type annotation struct {
		ID         int        `json:"id"`
		ImageID    int        `json:"image_id"`
		CategoryID int        `json:"category_id"`
		BBox       [4]float32 `json:"bbox"`
		Area       float32    `json:"area"`
		IsCrowd    int        `json:"iscrowd"`
	}
	out := struct {
		Images      []image      `json:"images"`
		Categories  []category   `json:"categories"`
		Annotations []annotation `json:"annotations"`
	}{Images: []image{}, Categories: []category{}, Annotations: []annotation{}}
	for i, c := range ds.Classes {
		out.Categories = append(out.Categories, category{i + 1, c})
	}
	dir := filepath.Dir(path)
	for i, s := range ds.Samples {
		rel, err := relInside(dir, s.ImagePath)
		if err != nil {
			return err
		}
		out.Images = append(out.Images, image{i + 1, rel, s.Width, s.Height})
		for _, o := range s.Boxes {
			if o.Class < 0 || o.Class >= len(ds.Classes) {
				return fmt.Errorf("%s: class %d out of range (%d classes)", s.ImagePath, o.Class, len(ds.Classes))
			}
			b := o.Box
			crowd := 0
			if o.Crowd {
				crowd = 1
			}
			out.Annotations = append(out.Annotations, annotation{
				ID: len(out.Annotations) + 1, ImageID: i + 1, CategoryID: o.Class + 1,
				BBox: [4]float32{b[0], b[1], b[2] - b[0], b[3] - b[1]}, Area: o.Area, IsCrowd: crowd,
			})
		}
	}
	data, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'))
}

func relInside(dir, p string) (string, error) {
	rel, err := filepath.Rel(dir, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("image %s is not inside %s", p, dir)
	}
	return filepath.ToSlash(rel), nil
}

// WriteVOC writes one Pascal VOC XML per sample into dir/Annotations/,
// named after the image; <filename> is the image's base name (the images
// are expected in dir/JPEGImages/). Crowd objects are written difficult.
func WriteVOC(dir string, ds *Dataset) error {
	type bndbox struct {
		Xmin string `xml:"xmin"`
		Ymin string `xml:"ymin"`
		Xmax string `xml:"xmax"`
		Ymax string `xml:"ymax"`
	}
	type object struct {
		Name      string `xml:"name"`
		Pose      string `xml:"pose"`
		Truncated int    `xml:"truncated"`
		Difficult int    `xml:"difficult"`
		BndBox    bndbox `xml:"bndbox"`
	}
	type annotation struct {
		XMLName  xml.Name `xml:"annotation"`
		Folder   string   `xml:"folder"`
		Filename string   `xml:"filename"`
		Size     struct {
			Width  int `xml:"width"`
			Height int `xml:"height"`
			Depth  int `xml:"depth"`
		} `xml:"size"`
		Objects []object `xml:"object"`
	}
	num := func(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
	for _, s := range ds.Samples {
		a := annotation{Folder: "JPEGImages", Filename: filepath.Base(s.ImagePath)}
		a.Size.Width, a.Size.Height, a.Size.Depth = s.Width, s.Height, 3
		for _, o := range s.Boxes {
			if o.Class < 0 || o.Class >= len(ds.Classes) {
				return fmt.Errorf("%s: class %d out of range (%d classes)", s.ImagePath, o.Class, len(ds.Classes))
			}
			ob := object{Name: ds.Classes[o.Class], Pose: "Unspecified"}
			if o.Crowd {
				ob.Difficult = 1
			}
			// Pixels xmin..xmax (1-based, inclusive) cover [xmin-1, xmax).
			ob.BndBox = bndbox{num(o.Box[0] + 1), num(o.Box[1] + 1), num(o.Box[2]), num(o.Box[3])}
			a.Objects = append(a.Objects, ob)
		}
		data, err := xml.MarshalIndent(a, "", "  ")
		if err != nil {
			return err
		}
		base := strings.TrimSuffix(filepath.Base(s.ImagePath), filepath.Ext(s.ImagePath))
		if err := writeFileAtomic(filepath.Join(dir, "Annotations", base+".xml"), append(data, '\n')); err != nil {
			return err
		}
	}
	return writeNames(filepath.Join(dir, "classes.txt"), ds.Classes)
}

// WriteYOLO writes one label file per sample (images/ -> labels/, .txt) and
// dir/classes.txt. Crowd objects have no YOLO form and are left out.
func WriteYOLO(dir string, ds *Dataset) error {
	for _, s := range ds.Samples {
		if s.Width <= 0 || s.Height <= 0 {
			return fmt.Errorf("%s: unknown image size", s.ImagePath)
		}
		var b strings.Builder
		W, H := float64(s.Width), float64(s.Height)
		for _, o := range s.Boxes {
			if o.Class < 0 || o.Class >= len(ds.Classes) {
				return fmt.Errorf("%s: class %d out of range (%d classes)", s.ImagePath, o.Class, len(ds.Classes))
			}
			if o.Crowd {
				continue
			}
			x1, y1, x2, y2 := float64(o.Box[0]), float64(o.Box[1]), float64(o.Box[2]), float64(o.Box[3])
			fmt.Fprintf(&b, "%d %.6f %.6f %.6f %.6f\n", o.Class, (x1+x2)/2/W, (y1+y2)/2/H, (x2-x1)/W, (y2-y1)/H)
		}
		lp := strings.TrimSuffix(s.ImagePath, filepath.Ext(s.ImagePath)) + ".txt"
		sep := string(filepath.Separator)
		if i := strings.LastIndex(lp, sep+"images"+sep); i >= 0 {
			lp = lp[:i] + sep + "labels" + sep + lp[i+len(sep+"images"+sep):]
		}
		if err := writeFileAtomic(lp, []byte(b.String())); err != nil {
			return err
		}
	}
	return writeNames(filepath.Join(dir, "classes.txt"), ds.Classes)
}

func writeNames(path string, names []string) error {
	for _, n := range names {
		if n == "" || strings.ContainsAny(n, "\n\r") {
			return fmt.Errorf("class name %q cannot be written to %s", n, path)
		}
	}
	return writeFileAtomic(path, []byte(strings.Join(names, "\n")+"\n"))
}
