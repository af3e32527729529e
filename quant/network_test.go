package quant

import (
	"testing"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/preprocess"
)

// A net/detect Detector over the int8 model: detections in the original
// image's pixels, and no allocation per detection once the size is planned.
func TestInt8DetectorNoAllocs(t *testing.T) {
	_, q := goldenInt8(t)
	opts := detect.DefaultOptions()
	opts.ScoreThresh = 0.3
	d, err := detect.NewNetwork(q, opts)
	if err != nil {
		t.Fatal(err)
	}
	img, err := preprocess.DecodeFile("../testdata/images/coffee.png", 1<<24)
	if err != nil {
		t.Fatal(err)
	}
	dets, err := d.Detect(img)
	if err != nil {
		t.Fatal(err)
	}
	w, h := float32(img.Bounds().Dx()), float32(img.Bounds().Dy())
	if len(dets) == 0 {
		t.Fatal("no detections")
	}
	for _, det := range dets {
		b := det.Box
		if det.Score < 0.3 || b[0] < 0 || b[1] < 0 || b[2] > w || b[3] > h || det.Label == "" {
			t.Fatalf("detection %+v outside %gx%g or below the threshold", det, w, h)
		}
	}
	if d.Model() != nil || d.Network() != detect.Network(q) {
		t.Error("the detector does not report its int8 network")
	}
	if n := testing.AllocsPerRun(5, func() { d.Detect(img) }); n != 0 {
		t.Errorf("Detect allocates %v times per call in steady state", n)
	}
}
