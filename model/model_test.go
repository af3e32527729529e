package model

import (
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/safetensors"
	"github.com/retina-edge/retina/quant"
)

const golden = "../testdata/golden/basic_v1.safetensors"

// A float file opens as the float model, an int8 file as the int8 model
// with the same head outputs bit for bit as the model that wrote it.
func TestLoadFileEitherKind(t *testing.T) {
	f, err := LoadFile(golden, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != KindFloat || f.Float == nil || f.Int8 != nil {
		t.Errorf("%s: float file loaded as %q", golden, f.Kind)
	}
	f.Close()

	cfg, weights, err := net.ReadModelFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := quant.NewCalibrator(cfg, weights, 1)
	if err != nil {
		t.Fatal(err)
	}
	img := randomImage(rand.New(rand.NewSource(3)), 64, 96)
	if err := cal.Add(img); err != nil {
		t.Fatal(err)
	}
	q, _, err := cal.Quantize(quant.RuleMinMax)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	path := filepath.Join(t.TempDir(), "q.safetensors")
	if err := q.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	want, err := q.Heads(img.H, img.W, img.Data)
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadFile(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Kind != KindInt8 || m.Int8 == nil || m.Float != nil || m.Config().NumClasses != cfg.NumClasses {
		t.Fatalf("%s: int8 file loaded as %q", path, m.Kind)
	}
	got, err := m.Int8.Heads(img.H, img.W, img.Data)
	if err != nil {
		t.Fatal(err)
	}
	for l := range want {
		if !slices.Equal(got[l].Logits, want[l].Logits) || !slices.Equal(got[l].Deltas, want[l].Deltas) {
			t.Fatalf("level %d differs after the round trip", l)
		}
	}
	if _, err := m.Detector(detect.DefaultOptions()); err != nil {
		t.Errorf("int8 detector: %v", err)
	}
}

// A safetensors file that is no retina model, and a broken model of
// either kind, give one error naming the file and the problem.
func TestLoadFileRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.safetensors")
	if err := safetensors.WriteFile(other, map[string]string{"format": "pt"}, []safetensors.Tensor{safetensors.F32("x", []int{1}, []float32{1})}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.safetensors")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{other: "not a retina model file", cut: ""} {
		m, err := LoadFile(path, 1)
		if err == nil {
			m.Close()
			t.Errorf("%s: loaded", path)
			continue
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one naming the file and %q", path, err, want)
		}
	}
}

func randomImage(rng *rand.Rand, h, w int) quant.Image {
	x := make([]float32, 3*h*w)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return quant.Image{H: h, W: w, Data: x}
}
