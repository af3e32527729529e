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

// Evaluate runs an inference model over a dataset as detection does (the
// model's resize rule, torchvision's postprocess) and scores the detections
// with the COCO metrics. The dataset's classes must be the model's.
func Evaluate(model *net.Model, ds *dataset.Dataset, maxPixels int) (*cocoeval.Result, error) {
	cfg := model.Config()
	if len(ds.Classes) > cfg.NumClasses {
		return nil, fmt.Errorf("validation set has %d classes, the model %d", len(ds.Classes), cfg.NumClasses)
	}
	if maxPixels <= 0 {
		maxPixels = defaultMaxPixels
	}
	det, err := detect.New(model, detect.DefaultOptions())
	if err != nil {
		return nil, err
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
				continue // a logit the validation set has no category for
			}
			b := d.Box
			dts = append(dts, cocoeval.Detection{ImageID: int64(i + 1), CategoryID: int64(d.Class + 1),
				Box:   [4]float64{float64(b[0]), float64(b[1]), float64(b[2] - b[0]), float64(b[3] - b[1])},
				Score: float64(d.Score)})
		}
	}
	return cocoeval.Evaluate(GroundTruth(ds), dts, cocoeval.DefaultParams())
}
