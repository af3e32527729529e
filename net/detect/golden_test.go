package detect

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/preprocess"
)

// goldenDetection is one of torchvision's detections in
// testdata/golden/detections.json (tools/make_detect_golden.py).
type goldenDetection struct {
	Class int        `json:"class"`
	Score float64    `json:"score"`
	Box   [4]float32 `json:"box"`
}

// TestDetectionsMatchTorchvision: the whole pipeline (PIL-exact decoding,
// torchvision's resize and normalisation, forward, postprocess, boxes back in
// original pixels) gives torchvision's detections on real photos: same count,
// each matched by one of the same class with IoU >= 0.999 and a score within
// 1e-5, on every kernel tier.
func TestDetectionsMatchTorchvision(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/golden/detections.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string]map[string][]goldenDetection
	if err := json.Unmarshal(raw, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden) != 2 {
		t.Fatalf("detections.json has %d models, want 2", len(golden))
	}
	for name, images := range golden {
		for _, impl := range kernels.Tiers() {
			m, err := net.LoadModelFileWith("../../testdata/golden/"+name+".detect.safetensors", net.Options{Impl: impl, Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			d, err := New(m, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			for file, want := range images {
				img, err := preprocess.DecodeFile("../../testdata/images/"+file, 1<<24)
				if err != nil {
					t.Fatal(err)
				}
				got, err := d.Detect(img)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) < 50 {
					t.Fatalf("%s %s: only %d golden detections, the fixture is too weak", name, file, len(want))
				}
				if miss := unmatched(got, want); len(got) != len(want) || miss >= 0 {
					t.Errorf("%s %s on %s: %d detections, torchvision %d; first unmatched golden detection: %d",
						name, file, impl.Name, len(got), len(want), miss)
				}
			}
			m.Close()
		}
	}
}

// unmatched returns the index of the first expected detection that no
// unused detection matches (same class, score within 1e-5, and IoU >= 0.999
// or, for boxes clipped to zero width or a sliver where IoU says nothing,
// every coordinate within 1e-3 px), or -1.
func unmatched(got []Detection, want []goldenDetection) int {
	used := make([]bool, len(got))
	for i, w := range want {
		found := false
		for j, g := range got {
			if used[j] || g.Class != w.Class || math.Abs(float64(g.Score)-w.Score) > 1e-5 ||
				(boxes.IoU(boxes.Box(g.Box), boxes.Box(w.Box)) < 0.999 && !sameCorners(g.Box, w.Box, 1e-3)) {
				continue
			}
			used[j], found = true, true
			break
		}
		if !found {
			return i
		}
	}
	return -1
}

func sameCorners(a, b [4]float32, tol float64) bool {
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}
