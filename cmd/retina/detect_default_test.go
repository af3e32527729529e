package main

import (
	"encoding/json"
	"os"
	"testing"
)

const shapes = "../../testdata/images/shapes.jpg"

// TestDetectDefaultModel: with no --model, detect runs the embedded default
// model, which finds every shape of a held-out synthetic image (right
// label at score >= 0.3, detect's default threshold, and IoU >= 0.7) and
// reports nothing else at score >= 0.5.
func TestDetectDefaultModel(t *testing.T) {
	var truth struct {
		Objects []struct {
			Label string     `json:"label"`
			Box   [4]float32 `json:"box"`
		} `json:"objects"`
	}
	raw, err := os.ReadFile("../../testdata/images/shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI("detect", "--json", shapes)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r imageResult
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("not JSON: %q", stdout)
	}
	used := make([]bool, len(r.Detections))
	for _, o := range truth.Objects {
		found := false
		for i, d := range r.Detections {
			if !used[i] && d.Label == o.Label && d.Score >= 0.3 && iou(d.Box, o.Box) >= 0.7 {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s at %v: not detected (score >= 0.3, IoU >= 0.7)", o.Label, o.Box)
		}
	}
	for i, d := range r.Detections {
		if !used[i] && d.Score >= 0.5 {
			t.Errorf("false detection %+v", d)
		}
	}
}

func iou(a, b [4]float32) float32 {
	iw := min(a[2], b[2]) - max(a[0], b[0])
	ih := min(a[3], b[3]) - max(a[1], b[1])
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	return inter / ((a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - inter)
}
