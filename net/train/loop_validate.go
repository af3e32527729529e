package train

import (
	"fmt"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/cocoeval"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/preprocess"
)

// GroundTruth turns a dataset into cocoeval's ground truth: image ids are
// sample index + 1, category ids class index + 1, annotation ids count from
// 1; crowd objects stay (they are matched but not counted).
func GroundTruth(ds *dataset.Dataset) *cocoeval.Dataset {
	gt := &cocoeval.Dataset{}
	for i, name := range ds.Classes {
		gt.Categories = append(gt.Categories, cocoeval.Category{ID: int64(i + 1), Name: name})
	}
	id := int64(0)
	for i, s := range ds.Samples {
		gt.ImageIDs = append(gt.ImageIDs, int64(i+1))
		for _, o := range s.Boxes {
			id++
			b := o.Box
			gt.Annotations = append(gt.Annotations, cocoeval.Annotation{
				ID: id, ImageID: int64(i + 1), CategoryID: int64(o.Class + 1),
				Box:  [4]float64{float64(b[0]), float64(b[1]), float64(b[2] - b[0]), float64(b[3] - b[1])},
				Area: float64(o.Area), Crowd: o.Crowd,
			})
		}
	}
	return gt
}

// Evaluate scores a float model on a dataset through EvaluateDetector.
func Evaluate(model *net.Model, ds *dataset.Dataset, maxPixels int) (*cocoeval.Result, error) {
	det, err := detect.New(model, detect.DefaultOptions())
	if err != nil {
		return nil, err
	}
	return EvaluateDetector(det, ds, maxPixels)
}

// EvaluateDetector runs a detector, float or int8, over a dataset as
// detection does (the model's resize rule, the detector's postprocess) and
// scores the detections with the COCO metrics; image and category ids are
// numbered as GroundTruth numbers them. The dataset's classes must be the
// model's; maxPixels <= 0 means the training default.
func EvaluateDetector(det *detect.Detector, ds *dataset.Dataset, maxPixels int) (*cocoeval.Result, error) {
	if n := det.Network().Config().NumClasses; len(ds.Classes) > n {
		return nil, fmt.Errorf("the dataset has %d classes, the model %d", len(ds.Classes), n)
	}
	if maxPixels <= 0 {
		maxPixels = defaultMaxPixels
	}
	var dts []cocoeval.Detection
	for i, s := range ds.Samples {
		img, err := preprocess.DecodeFile(s.ImagePath, maxPixels)
		if err != nil {
			return nil, err
		}
		found, err := det.Detect(img)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.ImagePath, err)
		}
		for _, d := range found {
			if d.Class >= len(ds.Classes) {
				continue // a logit the dataset has no category for
			}
			b := d.Box
			dts = append(dts, cocoeval.Detection{ImageID: int64(i + 1), CategoryID: int64(d.Class + 1),
				Box:   [4]float64{float64(b[0]), float64(b[1]), float64(b[2] - b[0]), float64(b[3] - b[1])},
				Score: float64(d.Score)})
		}
	}
	return cocoeval.Evaluate(GroundTruth(ds), dts, cocoeval.DefaultParams())
}
