package cocoeval

// Category is one ground-truth category.
type Category struct {
	ID   int64
	Name string
}

// Annotation is one ground-truth object. Box is COCO's [x, y, w, h] in pixels.
type Annotation struct {
	ID         int64 // must be unique; use ids >= 1 (see the package comment)
	ImageID    int64
	CategoryID int64
	Box        [4]float64
	Area       float64 // the area ranges are judged on this, not on the box
	Crowd      bool    // iscrowd: matches are not counted, crowd IoU is used
}

// Dataset is the ground truth: the images and categories that are scored
// and their annotations, in file order (the order breaks score ties).
type Dataset struct {
	ImageIDs    []int64
	Categories  []Category
	Annotations []Annotation
}

// Detection is one scored box. Box is [x, y, w, h]; its area for the area
// ranges is w*h, as pycocotools' loadRes computes it.
type Detection struct {
	ImageID    int64
	CategoryID int64
	Box        [4]float64
	Score      float64
}

// CategoryName returns the name of the category with the given id, or "".
func (d *Dataset) CategoryName(id int64) string {
	for _, c := range d.Categories {
		if c.ID == id {
			return c.Name
		}
	}
	return ""
}
