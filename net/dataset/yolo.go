package dataset

import (
	"fmt"
	"github.com/retina-edge/retina/internal/capped"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
)

// yoloNamesFiles are looked for, in this order, in the dataset folder.
var yoloNamesFiles = []string{"classes.txt", "obj.names", "data.yaml", "data.yml", "dataset.yaml"}

// yoloLabelPath is the label file of an image: images/ -> labels/ (the
// last such folder in the path) with a .txt extension; else a .txt beside
// the image.
func yoloLabelPath(img string) (string, bool) {
	base := strings.TrimSuffix(img, filepath.Ext(img)) + ".txt"
	sep := string(filepath.Separator)
	if i := strings.LastIndex(base, sep+"images"+sep); i >= 0 {
		p := base[:i] + sep + "labels" + sep + base[i+len(sep+"images"+sep):]
		if exists(p) {
			return p, true
		}
	}
	return base, exists(base)
}

type yoloLine struct {
	class          int
	cx, cy, bw, bh float64
}

// parseYOLOLabels parses "class cx cy w h" lines (normalized to [0, 1]).
// Each bad line is reported with its number; lineOK says which lines parsed.
func parseYOLOLabels(path string, data []byte, numClasses, maxObjects int, ps *problems) ([]yoloLine, []int, error) {
	var out []yoloLine
	var lines []int
	for n, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		bad := func(msg string) error { return ps.add(Problem{File: path, Line: n + 1, Object: len(out), Msg: msg}) }
		f := strings.Fields(t)
		if len(f) != 5 {
			if err := bad(fmt.Sprintf("expected 5 fields \"class cx cy w h\", got %d", len(f))); err != nil {
				return nil, nil, err
			}
			continue
		}
		class, err := strconv.Atoi(f[0])
		if err != nil {
			if err := bad(fmt.Sprintf("class %q is not an integer", f[0])); err != nil {
				return nil, nil, err
			}
			continue
		}
		if class < 0 || class >= numClasses {
			if err := bad(fmt.Sprintf("unknown class %d (%d classes)", class, numClasses)); err != nil {
				return nil, nil, err
			}
			continue
		}
		var v [4]float64
		var perr error
		for i := range v {
			if v[i], perr = strconv.ParseFloat(f[i+1], 64); perr != nil {
				perr = fmt.Errorf("%q is not a number", f[i+1])
				break
			}
		}
		if perr != nil {
			if err := bad(perr.Error()); err != nil {
				return nil, nil, err
			}
			continue
		}
		if len(out) >= maxObjects {
			return nil, nil, Problem{File: path, Line: n + 1, Object: len(out), Msg: fmt.Sprintf("more than %d objects", maxObjects)}
		}
		out = append(out, yoloLine{class, v[0], v[1], v[2], v[3]})
		lines = append(lines, n+1)
	}
	return out, lines, nil
}

// loadYOLO reads every image under dir and its label file.
func loadYOLO(dir string, o LoadOptions) (*Dataset, error) {
	classes := o.Classes
	if len(classes) == 0 {
		for _, n := range yoloNamesFiles {
			if p := filepath.Join(dir, n); exists(p) {
				var err error
				if classes, err = readNamesFile(p, o); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("%s: YOLO dataset without class names: add classes.txt, obj.names or data.yaml (names: [...])", dir)
	}
	var imgs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "labels" {
			return filepath.SkipDir
		}
		if !d.IsDir() && isImage(p) {
			if len(imgs) >= o.maxSamples() {
				return fmt.Errorf("%s: more than %d images", dir, o.maxSamples())
			}
			imgs = append(imgs, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(imgs) == 0 {
		return nil, fmt.Errorf("%s: no images (.jpg, .jpeg, .png)", dir)
	}
	ps := &problems{skip: o.SkipBad}
	ds := &Dataset{Format: FormatYOLO, Classes: classes}
	for _, img := range imgs {
		w, h, err := imageSize(img)
		if err != nil {
			if err := ps.add(Problem{File: img, Object: -1, Msg: err.Error()}); err != nil {
				return nil, err
			}
			continue
		}
		s := Sample{ImagePath: img, Width: w, Height: h}
		if lp, ok := yoloLabelPath(img); ok {
			data, err := capped.ReadFile(lp, o.maxFile(defaultMaxFile))
			if err != nil {
				if err := ps.add(Problem{File: lp, Object: -1, Msg: err.Error()}); err != nil {
					return nil, err
				}
				continue
			}
			objs, lines, err := parseYOLOLabels(lp, data, len(classes), o.maxObjects(), ps)
			if err != nil {
				return nil, err
			}
			for j, l := range objs {
				W, H := float64(w), float64(h)
				raw := [4]float64{(l.cx - l.bw/2) * W, (l.cy - l.bh/2) * H, (l.cx + l.bw/2) * W, (l.cy + l.bh/2) * H}
				msg := ""
				if l.bw < 0 || l.bh < 0 {
					msg = fmt.Sprintf("negative size (w=%g, h=%g)", l.bw, l.bh)
				}
				var box [4]float32
				if msg == "" {
					box, msg = checkBox(raw, w, h)
				}
				if msg != "" {
					if err := ps.add(Problem{File: lp, Line: lines[j], Object: j, Msg: msg}); err != nil {
						return nil, err
					}
					continue
				}
				s.Boxes = append(s.Boxes, Object{Box: box, Class: l.class, Area: boxArea(box)})
			}
		}
		ds.Samples = append(ds.Samples, s)
	}
	ds.Warnings = ps.list
	return ds, nil
}
