package detect

import (
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/preprocess"
)

func newTinyDetector(t *testing.T, opts Options) *Detector {
	t.Helper()
	m, err := net.LoadModelFile("../../testdata/golden/basic_v1.safetensors", 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	d, err := New(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDetectBoxesInOriginalPixels: boxes lie in the original image, sorted
// by score, above the threshold, labelled.
func TestDetectBoxesInOriginalPixels(t *testing.T) {
	opts := DefaultOptions()
	opts.ScoreThresh, opts.MinSize, opts.MaxSize = 0.01, 96, 160
	d := newTinyDetector(t, opts)
	img, err := preprocess.DecodeFile("../../testdata/images/coffee.png", 1<<24)
	if err != nil {
		t.Fatal(err)
	}
	dets, err := d.Detect(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(dets) == 0 {
		t.Fatal("no detections at threshold 0.01 on a random-weight model")
	}
	w, h := float32(img.Bounds().Dx()), float32(img.Bounds().Dy())
	for i, det := range dets {
		b := det.Box
		if b[0] < 0 || b[1] < 0 || b[2] > w || b[3] > h || det.Score <= 0.01 || det.Label == "" {
			t.Fatalf("detection %d: %+v outside %gx%g or below threshold", i, det, w, h)
		}
		if i > 0 && det.Score > dets[i-1].Score {
			t.Fatalf("detections not sorted at %d", i)
		}
	}
}

// TestDetectNoAllocs: same-sized images reuse every buffer.
func TestDetectNoAllocs(t *testing.T) {
	opts := DefaultOptions()
	opts.MinSize, opts.MaxSize = 96, 160
	d := newTinyDetector(t, opts)
	img, err := preprocess.DecodeFile("../../testdata/images/coffee.png", 1<<24)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Detect(img); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(5, func() { d.Detect(img) }); a != 0 {
		t.Fatalf("Detect allocates %v times per call in steady state", a)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	m, err := net.LoadModelFile("../../testdata/golden/basic_v1.safetensors", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	opts := DefaultOptions()
	opts.TopK = -1
	if _, err := New(m, opts); err == nil {
		t.Fatal("accepted TopK -1")
	}
}
