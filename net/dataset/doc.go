// Package dataset reads and writes object-detection datasets in the three
// common layouts, COCO JSON, Pascal VOC XML and YOLO txt, into one form:
// samples of image path, size and boxes in pixels (x1, y1, x2, y2) with a
// contiguous class index.
//
// Class indices:
//   - COCO: categories sorted by id; class i is the i-th smallest category
//     id (COCO's 1..90 with gaps become 0..79), names kept.
//   - VOC: the names of LoadOptions.Classes, else of a classes.txt (or
//     labels.txt) beside the annotations, else every object name found,
//     sorted.
//   - YOLO: the index written in the label files; names from classes.txt,
//     obj.names or data.yaml's names.
//
// Bad annotations (box outside the image, negative or zero size, unknown
// class, missing image, malformed XML/JSON/txt) are reported with the file
// and the line or object index. Loading fails on the first one unless
// LoadOptions.SkipBad is set: then the bad object (or sample, for a missing
// image or an unreadable annotation file) is left out and the problem is
// recorded in Dataset.Warnings.
//
// Augment (horizontal flip, scale jitter, crops that keep boxes valid) works
// on decoded images and their objects for training.
package dataset
