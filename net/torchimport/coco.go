package torchimport

// cocoCategoryNames are torchvision 0.14's _COCO_CATEGORIES
// (torchvision/models/_meta.py): the name of each of the 91 logits of its COCO
// detection models, index = logit index, with "__background__" at 0 and
// "N/A" where COCO skips a category id.
var cocoCategoryNames = [91]string{
	"__background__", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train",
	"truck", "boat", "traffic light", "fire hydrant", "N/A", "stop sign", "parking meter", "bench",
	"bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear",
	"zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag",
	"tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite", "baseball bat",
	"baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "N/A", "wine glass", "cup",
	"fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
	"broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
	"potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet", "N/A",
	"tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
	"toaster", "sink", "refrigerator", "N/A", "book", "clock", "vase", "scissors",
	"teddy bear", "hair drier", "toothbrush",
}

// COCOLabels returns a fresh copy of torchvision's 91 COCO logit names.
func COCOLabels() []string {
	out := make([]string, len(cocoCategoryNames))
	copy(out, cocoCategoryNames[:])
	return out
}
