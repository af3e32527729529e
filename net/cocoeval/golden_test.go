package cocoeval

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// goldenWant is what tools/make_cocoeval_fixtures.py recorded from
// pycocotools for one case.
type goldenWant struct {
	Stats    [12]float64       `json:"stats"`
	Recall   [][][][]float64   `json:"recall"` // [T][K][A][M]
	PerClass []goldenClassWant `json:"per_class"`
}

type goldenClassWant struct {
	CategoryID int64     `json:"category_id"`
	AP         float64   `json:"ap"`
	AP50       float64   `json:"ap50"`
	AP75       float64   `json:"ap75"`
	PR50       []float64 `json:"pr50"`
	PR75       []float64 `json:"pr75"`
}

const tol = 1e-9 // the same float64 arithmetic: far tighter than the 1e-4 required

func TestGoldenAgainstPycocotools(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/cocoeval/*/want.json")
	if err != nil || len(dirs) < 5 {
		t.Fatalf("want 5 golden cases, found %d (%v)", len(dirs), err)
	}
	for _, wantPath := range dirs {
		dir := filepath.Dir(wantPath)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var want goldenWant
			data, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			gt, err := LoadGT(filepath.Join(dir, "gt.json"))
			if err != nil {
				t.Fatal(err)
			}
			dts, err := LoadResults(gt, filepath.Join(dir, "dt.json"))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Evaluate(gt, dts, DefaultParams())
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range want.Stats {
				if math.Abs(r.Stats[i]-w) > tol {
					t.Errorf("%s = %.10f, pycocotools %.10f", StatNames[i], r.Stats[i], w)
				}
			}
			for ti, byK := range want.Recall {
				for k, byA := range byK {
					for a, byM := range byA {
						for m, w := range byM {
							if got := r.Recall(ti, k, a, m); math.Abs(got-w) > tol {
								t.Errorf("recall[t=%d k=%d a=%d m=%d] = %v, pycocotools %v", ti, k, a, m, got, w)
							}
						}
					}
				}
			}
			if len(r.PerClass) != len(want.PerClass) {
				t.Fatalf("%d classes, pycocotools %d", len(r.PerClass), len(want.PerClass))
			}
			for k, w := range want.PerClass {
				g := r.PerClass[k]
				if g.CategoryID != w.CategoryID {
					t.Fatalf("class %d has id %d, pycocotools %d", k, g.CategoryID, w.CategoryID)
				}
				for _, c := range []struct {
					name      string
					got, want float64
				}{{"AP", g.AP, w.AP}, {"AP50", g.AP50, w.AP50}, {"AP75", g.AP75, w.AP75}} {
					if math.Abs(c.got-c.want) > tol {
						t.Errorf("category %d %s = %v, pycocotools %v", w.CategoryID, c.name, c.got, c.want)
					}
				}
				for q := range w.PR50 {
					if math.Abs(g.PR50[q]-w.PR50[q]) > tol || math.Abs(g.PR75[q]-w.PR75[q]) > tol {
						t.Fatalf("category %d precision at recall point %d = %v/%v, pycocotools %v/%v",
							w.CategoryID, q, g.PR50[q], g.PR75[q], w.PR50[q], w.PR75[q])
					}
				}
			}
		})
	}
}
