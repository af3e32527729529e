package dataset

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Load reads a dataset. path is a COCO JSON file, a YOLO data.yaml, or a
// folder whose format is detected (or given by opts.Format):
//   - VOC: an Annotations/ folder, or .xml files;
//   - COCO: a .json with "images" (in the folder or its annotations/);
//   - YOLO: a labels/ folder or a classes.txt / obj.names / data.yaml.
func Load(path string, opts LoadOptions) (*Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	format, target := opts.Format, path
	if format == "" {
		if format, target, err = Detect(path); err != nil {
			return nil, err
		}
	} else if format == FormatCOCO && st.IsDir() {
		if target = findCOCOJSON(path); target == "" {
			return nil, fmt.Errorf("%s: no COCO .json file in the folder or its annotations/", path)
		}
	}
	if format != FormatCOCO && !isDir(target) {
		// A data.yaml (or one annotation file) stands for its folder.
		if format == FormatYOLO && len(opts.Classes) == 0 && isYAML(target) {
			if opts.Classes, err = readNamesFile(target, opts); err != nil {
				return nil, err
			}
		}
		target = filepath.Dir(target)
	}
	switch format {
	case FormatCOCO:
		return loadCOCO(target, opts)
	case FormatVOC:
		return loadVOC(target, opts)
	case FormatYOLO:
		return loadYOLO(target, opts)
	}
	return nil, fmt.Errorf("unknown dataset format %q (want coco, voc or yolo)", format)
}

func isYAML(p string) bool {
	e := strings.ToLower(filepath.Ext(p))
	return e == ".yaml" || e == ".yml"
}

// Detect tells the format of a dataset path and returns the file or folder
// to read.
func Detect(path string) (format, target string, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", "", err
	}
	if !st.IsDir() {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".json":
			return FormatCOCO, path, nil
		case ".yaml", ".yml":
			return FormatYOLO, path, nil
		case ".xml":
			return FormatVOC, filepath.Dir(path), nil
		}
		return "", "", fmt.Errorf("%s: cannot tell the dataset format from the file (want .json, .yaml or a folder)", path)
	}
	if isDir(filepath.Join(path, "Annotations")) {
		return FormatVOC, path, nil
	}
	if p := findCOCOJSON(path); p != "" {
		return FormatCOCO, p, nil
	}
	if isDir(filepath.Join(path, "labels")) {
		return FormatYOLO, path, nil
	}
	for _, n := range yoloNamesFiles {
		if exists(filepath.Join(path, n)) {
			return FormatYOLO, path, nil
		}
	}
	if xmls, _ := listFiles(path, ".xml"); len(xmls) > 0 {
		return FormatVOC, path, nil
	}
	return "", "", fmt.Errorf("%s: cannot tell the dataset format: no Annotations/ or .xml (VOC), no COCO .json, no labels/ or classes.txt/obj.names/data.yaml (YOLO)", path)
}

// findCOCOJSON returns the one .json in dir or dir/annotations whose start
// mentions "images", or "" when there is none or more than one.
func findCOCOJSON(dir string) string {
	for _, d := range []string{dir, filepath.Join(dir, "annotations")} {
		files, _ := listFiles(d, ".json")
		var found []string
		for _, f := range files {
			if looksLikeCOCO(f) {
				found = append(found, f)
			}
		}
		if len(found) == 1 {
			return found[0]
		}
	}
	return ""
}

func looksLikeCOCO(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, _ := f.Read(buf)
	return bytes.Contains(buf[:n], []byte(`"images"`)) || bytes.Contains(buf[:n], []byte(`"annotations"`))
}
