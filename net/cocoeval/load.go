package cocoeval

import (
	"encoding/json"
	"fmt"
	"github.com/retina-edge/retina/internal/capped"
	"math"
)

// MaxFileSize caps the JSON files LoadGT and LoadResults read (COCO's
// largest instances file is under 500 MB).
const MaxFileSize = 1 << 30

type gtFile struct {
	Images []struct {
		ID *int64 `json:"id"`
	} `json:"images"`
	Categories []struct {
		ID   *int64 `json:"id"`
		Name string `json:"name"`
	} `json:"categories"`
	Annotations []struct {
		ID         *int64            `json:"id"`
		ImageID    *int64            `json:"image_id"`
		CategoryID *int64            `json:"category_id"`
		BBox       []float64         `json:"bbox"`
		Area       *float64          `json:"area"`
		IsCrowd    *capped.CrowdFlag `json:"iscrowd"`
	} `json:"annotations"`
}

// LoadGT reads a COCO instances JSON file (images, categories and
// annotations with bbox [x,y,w,h], area and iscrowd).
func LoadGT(path string) (*Dataset, error) {
	data, err := capped.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, err
	}
	return ParseGT(path, data)
}

// ParseGT parses COCO instances JSON; path only names the data in errors.
func ParseGT(path string, data []byte) (*Dataset, error) {
	var f gtFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, capped.JSONError(path, data, err)
	}
	if f.Images == nil || f.Categories == nil || f.Annotations == nil {
		return nil, fmt.Errorf("%s: not a COCO instances file: needs \"images\", \"categories\" and \"annotations\"", path)
	}
	d := &Dataset{
		ImageIDs:    make([]int64, 0, len(f.Images)),
		Categories:  make([]Category, 0, len(f.Categories)),
		Annotations: make([]Annotation, 0, len(f.Annotations)),
	}
	for i, im := range f.Images {
		if im.ID == nil {
			return nil, fmt.Errorf("%s: images[%d] has no id", path, i)
		}
		d.ImageIDs = append(d.ImageIDs, *im.ID)
	}
	for i, c := range f.Categories {
		if c.ID == nil {
			return nil, fmt.Errorf("%s: categories[%d] has no id", path, i)
		}
		d.Categories = append(d.Categories, Category{ID: *c.ID, Name: c.Name})
	}
	seen := make(map[int64]int, len(f.Annotations))
	for i, a := range f.Annotations {
		where := fmt.Sprintf("%s: annotations[%d]", path, i)
		if a.ID == nil || a.ImageID == nil || a.CategoryID == nil {
			return nil, fmt.Errorf("%s: needs id, image_id and category_id", where)
		}
		if j, dup := seen[*a.ID]; dup {
			return nil, fmt.Errorf("%s: id %d is also the id of annotations[%d]", where, *a.ID, j)
		}
		seen[*a.ID] = i
		box, err := boxOf(a.BBox)
		if err != nil {
			return nil, fmt.Errorf("%s (id %d): %v", where, *a.ID, err)
		}
		an := Annotation{ID: *a.ID, ImageID: *a.ImageID, CategoryID: *a.CategoryID, Box: box, Area: box[2] * box[3]}
		if a.Area != nil {
			if !finite(*a.Area) {
				return nil, fmt.Errorf("%s (id %d): area is not finite", where, *a.ID)
			}
			an.Area = *a.Area
		}
		if a.IsCrowd != nil {
			an.Crowd = bool(*a.IsCrowd)
		}
		d.Annotations = append(d.Annotations, an)
	}
	return d, nil
}

type resultEntry struct {
	ImageID    *int64    `json:"image_id"`
	CategoryID *int64    `json:"category_id"`
	BBox       []float64 `json:"bbox"`
	Score      *float64  `json:"score"`
}

// LoadResults reads a COCO results JSON file, a list of {image_id,
// category_id, bbox [x,y,w,h], score}, as pycocotools' loadRes does: every
// image_id must be one of the ground truth's images.
func LoadResults(gt *Dataset, path string) ([]Detection, error) {
	data, err := capped.ReadFile(path, MaxFileSize)
	if err != nil {
		return nil, err
	}
	return ParseResults(gt, path, data)
}

// ParseResults parses COCO results JSON; path only names the data in errors.
func ParseResults(gt *Dataset, path string, data []byte) ([]Detection, error) {
	var entries []resultEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, capped.JSONError(path, data, err)
	}
	images := make(map[int64]bool, len(gt.ImageIDs))
	for _, id := range gt.ImageIDs {
		images[id] = true
	}
	dts := make([]Detection, 0, len(entries))
	for i, e := range entries {
		where := fmt.Sprintf("%s: result %d", path, i)
		if e.ImageID == nil || e.CategoryID == nil || e.Score == nil {
			return nil, fmt.Errorf("%s: needs image_id, category_id, bbox and score", where)
		}
		if !images[*e.ImageID] {
			return nil, fmt.Errorf("%s: image_id %d is not an image of the ground truth (results do not correspond to this set)", where, *e.ImageID)
		}
		box, err := boxOf(e.BBox)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		if !finite(*e.Score) {
			return nil, fmt.Errorf("%s: score is not finite", where)
		}
		dts = append(dts, Detection{ImageID: *e.ImageID, CategoryID: *e.CategoryID, Box: box, Score: *e.Score})
	}
	return dts, nil
}

func boxOf(b []float64) ([4]float64, error) {
	if len(b) != 4 {
		return [4]float64{}, fmt.Errorf("bbox must be [x, y, w, h], got %d numbers", len(b))
	}
	for _, v := range b {
		if !finite(v) {
			return [4]float64{}, fmt.Errorf("bbox %v is not finite", b)
		}
	}
	return [4]float64{b[0], b[1], b[2], b[3]}, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
