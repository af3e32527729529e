package train

import (
	"fmt"

	"github.com/retina-edge/retina/net/dataset"
)

// Target is one ground-truth box of an image.
type Target struct {
	Box   [4]float32 // x1, y1, x2, y2 in the batch's image pixels
	Class int        // logit index, 0 <= Class < NumClasses
	// Score, when > 0, is a soft target for the Class logit of the anchors
	// matched to this box (a teacher's confidence, trained with
	// softFocalLoss); 0 is the hard target 1.
	Score float32
}

// Batch is N images, normalised and padded to one H x W, with their targets.
type Batch struct {
	N, H, W    int
	Images     []float32  // N x 3 x H x W
	ImageSizes [][2]int   // unpadded (h, w) per image (torchvision's loss does not use them)
	Targets    [][]Target // per image; may be empty (every anchor background)
}

// maxBatchElements bounds N*3*H*W (e.g. 16 images of 800x800): training
// keeps every activation and its gradient, some hundred floats per input
// value, so a larger batch would not fit in memory anyway.
const maxBatchElements = 1 << 25

func (b *Batch) check(numClasses int) error {
	if b.N < 1 || b.H < 1 || b.W < 1 {
		return fmt.Errorf("train: batch %dx3x%dx%d is empty", b.N, b.H, b.W)
	}
	if b.H < 32 || b.W < 32 {
		return fmt.Errorf("train: batch images %dx%d are smaller than 32x32 (the network's stride at C5)", b.H, b.W)
	}
	if int64(b.N)*3*int64(b.H)*int64(b.W) > maxBatchElements {
		return fmt.Errorf("train: batch %dx3x%dx%d is too large (at most %d values)", b.N, b.H, b.W, maxBatchElements)
	}
	if len(b.Images) != b.N*3*b.H*b.W {
		return fmt.Errorf("train: batch has %d image values, want %d (N x 3 x H x W)", len(b.Images), b.N*3*b.H*b.W)
	}
	if len(b.Targets) != b.N {
		return fmt.Errorf("train: batch has %d target lists for %d images", len(b.Targets), b.N)
	}
	if b.ImageSizes != nil && len(b.ImageSizes) != b.N {
		return fmt.Errorf("train: batch has %d image sizes for %d images", len(b.ImageSizes), b.N)
	}
	for i, ts := range b.Targets {
		for j, t := range ts {
			if t.Class < 0 || t.Class >= numClasses {
				return fmt.Errorf("train: image %d target %d: class %d outside 0..%d", i, j, t.Class, numClasses-1)
			}
			// torchvision asserts positive width and height (degenerate boxes).
			if !(t.Score >= 0 && t.Score <= 1) {
				return fmt.Errorf("train: image %d target %d: soft score %g outside [0, 1]", i, j, t.Score)
			}
			if !(t.Box[2] > t.Box[0] && t.Box[3] > t.Box[1]) {
				return fmt.Errorf("train: image %d target %d: box %v has no positive width and height", i, j, t.Box)
			}
		}
	}
	return nil
}

// TargetsFromObjects converts a dataset's objects (already in the batch's
// pixel coordinates) to targets, dropping crowd objects: torchvision's
// RetinaNet has no crowd notion.
func TargetsFromObjects(dst []Target, objs []dataset.Object) []Target {
	dst = dst[:0]
	for _, o := range objs {
		if o.Crowd {
			continue
		}
		dst = append(dst, Target{Box: o.Box, Class: o.Class, Score: o.Score})
	}
	return dst
}
