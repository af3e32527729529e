package dataset

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/retina-edge/retina/net/boxes"
)

// TeacherScoresFile is the side file `retina label` writes at a labelled
// dataset's root: the teacher's confidence in each box it labelled.
const TeacherScoresFile = "teacher_scores.json"

// TeacherScoresFormat names the file's layout (the "format" field).
const TeacherScoresFormat = "retina-teacher-scores/1"

// TeacherScores is the teacher_scores.json of a labelled dataset:
//
//	{"format": "retina-teacher-scores/1", "teacher": "...", "classes": ["person", ...],
//	 "frames": [{"file": "images/frame_000001.jpg",
//	             "boxes": [{"class": 0, "box": [x1, y1, x2, y2], "score": 0.93}, ...]}, ...]}
//
// file is relative to the dataset root (slashes), class indexes classes,
// boxes are in image pixels as the annotations have them, and score is the
// teacher's sigmoid class score of that box (after test-time augmentation,
// the fused one). (The list is "frames", not "images", so that the file
// never looks like a COCO dataset to Detect.)
type TeacherScores struct {
	Format  string         `json:"format"`
	Teacher string         `json:"teacher"`
	Classes []string       `json:"classes"`
	Images  []TeacherImage `json:"frames"`
}

// TeacherImage is one image's scored boxes.
type TeacherImage struct {
	File  string       `json:"file"`
	Boxes []TeacherBox `json:"boxes"`
}

// TeacherBox is one box the teacher labelled, with its score.
type TeacherBox struct {
	Class int        `json:"class"`
	Box   [4]float32 `json:"box"`
	Score float32    `json:"score"`
}

// WriteTeacherScores writes ts atomically as path.
func WriteTeacherScores(path string, ts *TeacherScores) error {
	ts.Format = TeacherScoresFormat
	data, err := json.Marshal(ts)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'))
}

// ReadTeacherScores reads a teacher_scores.json.
func ReadTeacherScores(path string) (*TeacherScores, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ts TeacherScores
	if err := json.Unmarshal(data, &ts); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if ts.Format != TeacherScoresFormat {
		return nil, fmt.Errorf("%s: format %q, want %q (written by retina label)", path, ts.Format, TeacherScoresFormat)
	}
	for _, im := range ts.Images {
		for j, b := range im.Boxes {
			if !(b.Score > 0 && b.Score <= 1) || b.Class < 0 || b.Class >= len(ts.Classes) {
				return nil, fmt.Errorf("%s: %s box %d: class %d (of %d) or score %g out of range", path, im.File, j, b.Class, len(ts.Classes), b.Score)
			}
		}
	}
	return &ts, nil
}

// minTeacherIoU is how closely an annotation must overlap a teacher box to
// take its score: a box a person moved in a labelling tool is no longer
// the teacher's.
const minTeacherIoU = 0.9

// ApplyTeacherScores sets each object's Score from the teacher box of the
// same class and image that overlaps it best at IoU >= 0.9; objects with no
// such box (added or moved by hand) stay hard labels (Score 0). root is
// the folder the File names are relative to. The classes must be the
// dataset's. It returns how many objects got a score.
func (d *Dataset) ApplyTeacherScores(ts *TeacherScores, root string) (int, error) {
	if len(ts.Classes) != len(d.Classes) {
		return 0, fmt.Errorf("teacher scores name %d classes, the dataset %d", len(ts.Classes), len(d.Classes))
	}
	for i, c := range ts.Classes {
		if c != d.Classes[i] {
			return 0, fmt.Errorf("teacher scores' class %d is %q, the dataset's %q", i, c, d.Classes[i])
		}
	}
	byFile := make(map[string][]TeacherBox, len(ts.Images))
	for _, im := range ts.Images {
		byFile[filepath.Clean(filepath.Join(root, filepath.FromSlash(im.File)))] = im.Boxes
	}
	n := 0
	for i := range d.Samples {
		s := &d.Samples[i]
		teacher := byFile[filepath.Clean(s.ImagePath)]
		for j := range s.Boxes {
			o := &s.Boxes[j]
			best, score := float32(minTeacherIoU), float32(0)
			for _, b := range teacher {
				if b.Class != o.Class {
					continue
				}
				if iou := boxes.IoU(boxes.Box(o.Box), boxes.Box(b.Box)); iou >= best {
					best, score = iou, b.Score
				}
			}
			o.Score = score
			if score > 0 {
				n++
			}
		}
	}
	return n, nil
}
