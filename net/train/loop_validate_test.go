package train

import (
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/detect"
)

// otherNetwork hides a float model behind detect.Network, as the int8 model
// is seen, so that its detector is not a float one.
type otherNetwork struct{ det *detect.Detector }

func (o otherNetwork) Config() net.Config { return o.det.Network().Config() }

func (o otherNetwork) Heads(h, w int, input []float32) ([]boxes.Level, error) {
	return o.det.Network().Heads(h, w, input)
}

// TestEvaluateDetectorAnyNetwork: a float detector and a non-float Network
// detector (the int8 path of `retina eval`) score the same through
// EvaluateDetector, and a dataset with more classes than the model is refused.
func TestEvaluateDetectorAnyNetwork(t *testing.T) {
	ds := loopSynthSet(t)
	m, err := net.NewModel(loopTinyConfig(len(ds.Classes)), mustWeights(t, len(ds.Classes)), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	opts := detect.DefaultOptions()
	opts.ScoreThresh = 0 // an untrained model scores below the default
	floatDet, err := detect.New(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	otherDet, err := detect.NewNetwork(otherNetwork{floatDet}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if otherDet.Model() != nil {
		t.Fatal("the wrapped network should not be seen as a float model")
	}
	a, err := EvaluateDetector(floatDet, ds, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := EvaluateDetector(otherDet, ds, 0)
	if err != nil {
		t.Fatal(err)
	}
	if a.Stats[8] <= 0 { // AR@100: detections were matched
		t.Fatalf("no detection matched: stats %v", a.Stats)
	}
	if a.Stats != b.Stats {
		t.Fatalf("float %v, other network %v", a.Stats, b.Stats)
	}

	small, err := net.NewModel(loopTinyConfig(len(ds.Classes)-1), mustWeights(t, len(ds.Classes)-1), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if _, err := Evaluate(small, ds, 0); err == nil || !strings.Contains(err.Error(), "classes") {
		t.Fatalf("too many classes: %v", err)
	}
}

func mustWeights(t *testing.T, numClasses int) map[string]net.Param {
	t.Helper()
	w, err := net.InitialWeights(loopTinyConfig(numClasses), 5)
	if err != nil {
		t.Fatal(err)
	}
	return w
}
