package cocoeval

import (
	"math"
	"slices"
	"testing"
)

// The expectations below are derived by hand from COCOeval's rules; the
// comments give the reasoning.

func gtBox(id, img, cat int64, x, y, w, h float64) Annotation {
	return Annotation{ID: id, ImageID: img, CategoryID: cat, Box: [4]float64{x, y, w, h}, Area: w * h}
}

func det(img, cat int64, score, x, y, w, h float64) Detection {
	return Detection{ImageID: img, CategoryID: cat, Box: [4]float64{x, y, w, h}, Score: score}
}

func evaluate(t *testing.T, gt *Dataset, dts []Detection) *Result {
	t.Helper()
	r, err := Evaluate(gt, dts, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func checkStats(t *testing.T, r *Result, want [12]float64) {
	t.Helper()
	for i := range want {
		if math.Abs(r.Stats[i]-want[i]) > 1e-12 {
			t.Errorf("%s = %.12f, want %.12f", StatNames[i], r.Stats[i], want[i])
		}
	}
}

func oneCat(anns ...Annotation) *Dataset {
	imgs := []int64{}
	for _, a := range anns {
		imgs = append(imgs, a.ImageID)
	}
	if len(imgs) == 0 {
		imgs = []int64{1}
	}
	return &Dataset{ImageIDs: imgs, Categories: []Category{{ID: 1, Name: "a"}}, Annotations: anns}
}

// 1 - eps: tp/(tp+fp+eps) with tp=1, fp=0.
var one = 1 / (1 + eps)

func TestPerfectSmallDetection(t *testing.T) {
	// One small object found exactly: everything 1, medium and large have
	// no ground truth (-1).
	r := evaluate(t, oneCat(gtBox(1, 1, 1, 0, 0, 10, 10)), []Detection{det(1, 1, .9, 0, 0, 10, 10)})
	checkStats(t, r, [12]float64{one, one, one, one, -1, -1, 1, 1, 1, 1, -1, -1})
}

func TestPartialOverlapCountsAtLowThresholdsOnly(t *testing.T) {
	// IoU 72/100 = 0.72 passes .50 .55 .60 .65 .70 and fails the other five.
	r := evaluate(t, oneCat(gtBox(1, 1, 1, 0, 0, 10, 10)), []Detection{det(1, 1, .9, 0, 0, 10, 7.2)})
	checkStats(t, r, [12]float64{one / 2, one, 0, one / 2, -1, -1, .5, .5, .5, .5, -1, -1})
}

func TestFalsePositiveFirstGivesEnvelope(t *testing.T) {
	// FP, TP, TP: recall 0, .5, 1 and precision 0, 1/2, 2/3; the envelope
	// makes every recall point 2/3. Keeping one detection per image keeps
	// only the FP: AR1 = 0.
	gt := oneCat(gtBox(1, 1, 1, 0, 0, 10, 10), gtBox(2, 1, 1, 20, 0, 10, 10))
	r := evaluate(t, gt, []Detection{
		det(1, 1, .9, 50, 50, 10, 10), det(1, 1, .8, 0, 0, 10, 10), det(1, 1, .7, 20, 0, 10, 10),
	})
	p := 2 / (3 + eps)
	checkStats(t, r, [12]float64{p, p, p, p, -1, -1, 0, 1, 1, 1, -1, -1})
}

func TestRecallPointsSampledLeft(t *testing.T) {
	// TP, FP, TP: recall .5, .5, 1 and precision 1, 1/2, 2/3 -> envelope
	// 1, 2/3, 2/3. The 51 recall points 0..0.50 take index 0 (precision 1),
	// the 50 points above take 2/3. AR1 keeps the TP: recall .5.
	gt := oneCat(gtBox(1, 1, 1, 0, 0, 10, 10), gtBox(2, 1, 1, 20, 0, 10, 10))
	r := evaluate(t, gt, []Detection{
		det(1, 1, .9, 0, 0, 10, 10), det(1, 1, .8, 50, 50, 10, 10), det(1, 1, .7, 20, 0, 10, 10),
	})
	ap := (51*one + 50*2/(3+eps)) / 101
	checkStats(t, r, [12]float64{ap, ap, ap, ap, -1, -1, .5, 1, 1, 1, -1, -1})
	if got := r.PerClass[0].PR50; got[0] != one || got[50] != one || got[51] != 2/(3+eps) || got[100] != 2/(3+eps) {
		t.Errorf("PR50 = %v", got)
	}
}

func TestCrowdRegionAbsorbsDetections(t *testing.T) {
	// Two detections lie inside a crowd region: crowd IoU is intersection
	// over the detection's area (1 here), so they match the crowd, which
	// can match many, and are ignored. Only the real object counts: AP 1.
	// With the ordinary IoU (100/1600) they would be false positives.
	crowd := gtBox(2, 1, 1, 30, 0, 40, 40)
	crowd.Crowd = true
	gt := oneCat(gtBox(1, 1, 1, 0, 0, 10, 10), crowd)
	r := evaluate(t, gt, []Detection{
		det(1, 1, .9, 35, 5, 10, 10), det(1, 1, .8, 0, 0, 10, 10), det(1, 1, .7, 50, 20, 10, 10),
	})
	// AR1 keeps only the first (ignored) detection: recall 0.
	checkStats(t, r, [12]float64{one, one, one, one, -1, -1, 0, 1, 1, 1, -1, -1})
	if r.PerClass[0].NumGT != 1 {
		t.Errorf("NumGT = %d, want 1 (crowd not counted)", r.PerClass[0].NumGT)
	}
}

func TestMatchedRealObjectIsNotTradedForIgnoredOne(t *testing.T) {
	// The detection overlaps the object with IoU .64 and the crowd region
	// around it with crowd IoU 1. At .50-.60 it matches the object first
	// and stops (ignored ground truths come last): a TP. From .65 the object
	// fails, the crowd matches, the detection is ignored and the object is
	// missed. AP = 3/10, AP50 = 1, AP75 = 0, AR = 3/10.
	crowd := gtBox(2, 1, 1, 0, 0, 12, 12)
	crowd.Crowd = true
	gt := oneCat(gtBox(1, 1, 1, 0, 0, 10, 10), crowd)
	r := evaluate(t, gt, []Detection{det(1, 1, .9, 1, 1, 8, 8)})
	checkStats(t, r, [12]float64{.3 * one, one, 0, .3 * one, -1, -1, .3, .3, .3, .3, -1, -1})
}

func TestAreaRangesUseTheAreaField(t *testing.T) {
	// The box is 40x40 but its area field says 900: a small object. The
	// medium range has no counted ground truth (-1) even though the box
	// would be medium.
	a := gtBox(1, 1, 1, 0, 0, 40, 40)
	a.Area = 900
	r := evaluate(t, oneCat(a), []Detection{det(1, 1, .9, 0, 0, 40, 40)})
	checkStats(t, r, [12]float64{one, one, one, one, -1, -1, 1, 1, 1, 1, -1, -1})
}

func TestUnmatchedDetectionOutsideRangeIsIgnored(t *testing.T) {
	// A large FP ranks first. In "all" it costs precision (FP then TP:
	// envelope 1/2 everywhere); in "small" its area is out of range and it
	// is unmatched, so it is ignored: AP_small = 1.
	gt := oneCat(gtBox(1, 1, 1, 0, 0, 10, 10))
	r := evaluate(t, gt, []Detection{det(1, 1, .9, 100, 100, 200, 200), det(1, 1, .8, 0, 0, 10, 10)})
	h := 1 / (2 + eps)
	checkStats(t, r, [12]float64{h, h, h, one, -1, -1, 0, 1, 1, 1, -1, -1})
}

func TestMaxDetsCutPerImage(t *testing.T) {
	// Ten confident FPs then the two objects: the first 10 hold no TP
	// (AR10 = 0); with 100 both are found after 10 FPs: precision 2/12
	// at recall 1, enveloped to every recall point.
	gt := oneCat(gtBox(1, 1, 1, 0, 0, 10, 10), gtBox(2, 1, 1, 20, 0, 10, 10))
	var dts []Detection
	for i := 0; i < 10; i++ {
		dts = append(dts, det(1, 1, .99-float64(i)*.01, 100+float64(i)*20, 100, 10, 10))
	}
	dts = append(dts, det(1, 1, .5, 0, 0, 10, 10), det(1, 1, .4, 20, 0, 10, 10))
	r := evaluate(t, gt, dts)
	p := 2 / (12 + eps)
	checkStats(t, r, [12]float64{p, p, p, p, -1, -1, 0, 0, 1, 1, -1, -1})
}

func TestCategoryWithoutGroundTruthIsLeftOut(t *testing.T) {
	gt := &Dataset{
		ImageIDs:    []int64{1},
		Categories:  []Category{{ID: 1, Name: "a"}, {ID: 2, Name: "b"}},
		Annotations: []Annotation{gtBox(1, 1, 1, 0, 0, 10, 10)},
	}
	r := evaluate(t, gt, []Detection{det(1, 1, .9, 0, 0, 10, 10), det(1, 2, .95, 0, 0, 10, 10)})
	checkStats(t, r, [12]float64{one, one, one, one, -1, -1, 1, 1, 1, 1, -1, -1})
	if r.PerClass[1].AP != -1 || r.PerClass[1].Name != "b" || r.PerClass[1].PR50[0] != -1 {
		t.Errorf("category without ground truth: %+v", r.PerClass[1])
	}
}

func TestScoreTiesBrokenByImageID(t *testing.T) {
	// Equal scores: the stable sort keeps images in ascending id order, so
	// image 1's FP comes before image 2's TP even though image 2 is listed
	// first. FP, TP: recall 0, .5, precision 0, 1/2 -> 51 points of 1/2.
	gt := &Dataset{
		ImageIDs:    []int64{2, 1},
		Categories:  []Category{{ID: 1}},
		Annotations: []Annotation{gtBox(1, 1, 1, 0, 0, 10, 10), gtBox(2, 2, 1, 0, 0, 10, 10)},
	}
	r := evaluate(t, gt, []Detection{det(2, 1, .5, 0, 0, 10, 10), det(1, 1, .5, 50, 50, 10, 10)})
	if want := 51 * (1 / (2 + eps)) / 101; math.Abs(r.Stats[0]-want) > 1e-12 {
		t.Errorf("AP = %v, want %v", r.Stats[0], want)
	}
}

func TestZeroAnnotationIDCountsAsFalsePositive(t *testing.T) {
	// pycocotools records a match as the ground truth's id and reads 0 as
	// "unmatched": a perfect detection of the object with id 0 is a FP.
	r := evaluate(t, oneCat(gtBox(0, 1, 1, 0, 0, 10, 10)), []Detection{det(1, 1, .9, 0, 0, 10, 10)})
	checkStats(t, r, [12]float64{0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1})
}

func TestNoDetections(t *testing.T) {
	r := evaluate(t, oneCat(gtBox(1, 1, 1, 0, 0, 10, 10)), nil)
	checkStats(t, r, [12]float64{0, 0, 0, 0, -1, -1, 0, 0, 0, 0, -1, -1})
}

func TestNoGroundTruthAtAll(t *testing.T) {
	r := evaluate(t, oneCat(), []Detection{det(1, 1, .9, 0, 0, 10, 10)})
	for i, s := range r.Stats {
		if s != -1 {
			t.Errorf("%s = %v, want -1", StatNames[i], s)
		}
	}
}

func TestThresholdsMatchNumpyLinspace(t *testing.T) {
	p := DefaultParams()
	// np.linspace(0, 1, 101)[i] differs from i/100 exactly at these indexes.
	var differ []int
	for i, v := range p.RecThrs {
		if v != float64(i)/100 {
			differ = append(differ, i)
		}
	}
	if want := []int{35, 41, 47, 57, 69, 70, 82, 83, 94, 95}; !slices.Equal(differ, want) {
		t.Errorf("recall thresholds differing from i/100 at %v, numpy at %v", differ, want)
	}
	if p.IoUThrs[0] != .5 || p.IoUThrs[5] != .75 || p.IoUThrs[9] != .95 || len(p.IoUThrs) != 10 {
		t.Errorf("IoU thresholds %v", p.IoUThrs)
	}
}

func TestInvalidParams(t *testing.T) {
	p := DefaultParams()
	p.AreaLabels = p.AreaLabels[:2]
	if _, err := Evaluate(oneCat(), nil, p); err == nil {
		t.Error("mismatched area labels accepted")
	}
	p = DefaultParams()
	p.MaxDets = []int{0, 10, 100}
	if _, err := Evaluate(oneCat(), nil, p); err == nil {
		t.Error("maxDets 0 accepted")
	}
}
