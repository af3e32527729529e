// Package cocoeval scores bounding-box detections the way pycocotools'
// COCOeval (iouType "bbox") does, number for number: the same IoU and recall
// thresholds (built like np.linspace), the same crowd IoU, the same stable
// score sort, per-image cut to maxDets, greedy matching, precision envelope,
// left-sided recall sampling, -1 for categories without ground truth, and the
// 12 summary numbers of summarize().
//
// Ground truth comes from a COCO instances JSON (LoadGT) or is built in
// memory (Dataset's exported fields); detections come from a COCO results
// JSON (LoadResults) or are built in memory ([]Detection).
//
// Deliberate replications of pycocotools' quirks, so that scores agree:
//   - an annotation's "ignore" field is overwritten by "iscrowd" and has no
//     effect of its own;
//   - a ground truth whose id is 0 can be matched but the match is recorded
//     as "0", which pycocotools reads as unmatched: the detection counts as a
//     false positive (use ids >= 1);
//   - detections whose category is not among the ground truth's categories,
//     or whose image is not among its images, are left out of the evaluation.
//
// Deliberate differences, all for input pycocotools rejects or crashes on:
// a ground truth without "area" gets w*h, without "iscrowd" gets 0; an empty
// results list scores 0 instead of raising; duplicate annotation ids, missing
// boxes and non-finite numbers are reported as errors.
package cocoeval
