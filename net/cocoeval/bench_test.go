package cocoeval

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkEvaluate scores 500 images x 20 categories with ~7 objects and
// 100 detections per image (a COCO-val-like density).
func BenchmarkEvaluate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	gt := &Dataset{}
	for c := int64(1); c <= 20; c++ {
		gt.Categories = append(gt.Categories, Category{ID: c})
	}
	var dts []Detection
	for img := int64(1); img <= 500; img++ {
		gt.ImageIDs = append(gt.ImageIDs, img)
		for k := 0; k < 7; k++ {
			w, h := 5+rng.Float64()*200, 5+rng.Float64()*200
			a := Annotation{ID: int64(len(gt.Annotations) + 1), ImageID: img, CategoryID: 1 + rng.Int64N(20),
				Box: [4]float64{rng.Float64() * 400, rng.Float64() * 400, w, h}, Area: w * h}
			gt.Annotations = append(gt.Annotations, a)
		}
		for d := 0; d < 100; d++ {
			a := gt.Annotations[len(gt.Annotations)-1-rng.IntN(7)]
			box := a.Box
			box[0] += rng.NormFloat64() * 5
			if d%3 == 0 {
				box[0] = rng.Float64() * 400
			}
			dts = append(dts, Detection{ImageID: img, CategoryID: a.CategoryID, Box: box, Score: rng.Float64()})
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Evaluate(gt, dts, DefaultParams()); err != nil {
			b.Fatal(err)
		}
	}
}
