package dataset

import "fmt"

// Object is one annotated object.
type Object struct {
	Box   [4]float32 // x1, y1, x2, y2 in pixels, 0 <= x1 < x2 <= Width
	Class int        // index into Dataset.Classes
	Crowd bool       // COCO iscrowd or VOC difficult: matched but not counted
	Area  float32    // COCO's area when given, else the box's
	// Score is a teacher model's confidence in this object (0 < Score <= 1),
	// set by ApplyTeacherScores for training with soft targets; 0 means a
	// hard label (a person's box, or no teacher).
	Score float32
}

// Sample is one image and its objects.
type Sample struct {
	ImagePath     string
	Width, Height int
	Boxes         []Object
}

// Dataset is a loaded dataset.
type Dataset struct {
	Classes []string
	Samples []Sample
	Format  string // "coco", "voc" or "yolo"
	// Warnings are the problems skipped under LoadOptions.SkipBad.
	Warnings []Problem
}

// Formats are the values of LoadOptions.Format and Dataset.Format.
const (
	FormatCOCO = "coco"
	FormatVOC  = "voc"
	FormatYOLO = "yolo"
)

// LoadOptions steer Load. The zero value detects the format, fails on the
// first bad annotation and applies the default limits.
type LoadOptions struct {
	Format  string   // "" to detect, or FormatCOCO, FormatVOC, FormatYOLO
	SkipBad bool     // skip bad objects/samples, recording Warnings
	Classes []string // VOC/YOLO: the class names, overriding any names file
	// ImageDir is where COCO's file_name entries are relative to; by default
	// the JSON's folder, its images/ folder, or the parent's images/ folder
	// (the first that holds the first image).
	ImageDir string

	MaxFileSize int64 // bytes per annotation file (default 1 GiB for COCO JSON, 16 MiB per XML/txt)
	MaxSamples  int   // images (default 10,000,000)
	MaxObjects  int   // objects per image (default 100,000)
}

const (
	defaultMaxJSON    = 1 << 30
	defaultMaxFile    = 16 << 20
	defaultMaxSamples = 10_000_000
	defaultMaxObjects = 100_000
	// edgeTolerance is how far (pixels) a box may stick out of its image and
	// still be clipped instead of reported: rounding in exporters does that.
	edgeTolerance = 1
)

func (o LoadOptions) maxFile(def int64) int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return def
}

func (o LoadOptions) maxSamples() int {
	if o.MaxSamples > 0 {
		return o.MaxSamples
	}
	return defaultMaxSamples
}

func (o LoadOptions) maxObjects() int {
	if o.MaxObjects > 0 {
		return o.MaxObjects
	}
	return defaultMaxObjects
}

// Problem is one bad annotation: where it is and what is wrong.
type Problem struct {
	File   string
	Line   int // 1-based; 0 when unknown
	Object int // index of the object in its file or image; -1 when not about one object
	Msg    string
}

func (p Problem) Error() string {
	s := p.File
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
	}
	if p.Object >= 0 {
		s += fmt.Sprintf(": object %d", p.Object)
	}
	return s + ": " + p.Msg
}

// problems collects Problems: the first one is fatal unless skip is set.
type problems struct {
	skip bool
	list []Problem
}

// add records p; the returned error is non-nil when loading must stop.
func (ps *problems) add(p Problem) error {
	if !ps.skip {
		return p
	}
	ps.list = append(ps.list, p)
	return nil
}
