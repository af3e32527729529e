package dataset

import (
	"fmt"
	"path/filepath"
)

// ImageDir is the folder, inside a dataset's root, where a writer of format
// expects the images: JPEGImages for VOC, images for COCO and YOLO.
func ImageDir(format string) string {
	if format == FormatVOC {
		return "JPEGImages"
	}
	return "images"
}

// AnnotationsFile is where Write puts a COCO dataset's JSON under root.
const AnnotationsFile = "annotations.json"

// Write writes ds under root in format (COCO: root/annotations.json; VOC:
// root/Annotations/*.xml; YOLO: root/labels/*.txt), the images being in
// root/ImageDir(format) already. Every file is written atomically.
func Write(root, format string, ds *Dataset) error {
	switch format {
	case FormatCOCO:
		return WriteCOCO(filepath.Join(root, AnnotationsFile), ds)
	case FormatVOC:
		return WriteVOC(root, ds)
	case FormatYOLO:
		return WriteYOLO(root, ds)
	}
	return fmt.Errorf("dataset: format %q: want coco, voc or yolo", format)
}
