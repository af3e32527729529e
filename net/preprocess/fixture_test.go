package preprocess

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

const fixtureDir = "../../testdata/preprocess"

// fixtures mirrors testdata/preprocess/cases.json, written by
// tools/make_preprocess_fixtures.py with torchvision 0.14.
type fixtures struct {
	Mean  [3]float32 `json:"mean"`
	Std   [3]float32 `json:"std"`
	Cases []struct {
		Name    string `json:"name"`
		PNG     string `json:"png"`
		MinSize int    `json:"min_size"`
		MaxSize int    `json:"max_size"`
		Fixed   []int  `json:"fixed"`
		Orig    [2]int `json:"orig"`
		Resized [2]int `json:"resized"`
		Padded  [2]int `json:"padded"`
	} `json:"cases"`
	// Sizes rows are w, h, min_size, max_size, resized w, resized h.
	Sizes [][6]int `json:"sizes"`
	Boxes []struct {
		Orig    [2]int       `json:"orig"`
		Resized [2]int       `json:"resized"`
		In      [][4]float32 `json:"in"`
		Out     [][4]float32 `json:"out"`
	} `json:"boxes"`
}

func loadFixtures(t testing.TB) *fixtures {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 || len(f.Sizes) == 0 || len(f.Boxes) == 0 {
		t.Fatal("cases.json has an empty section")
	}
	return &f
}

func loadTensor(t testing.TB, name string, n int) []float32 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir, name+".f32"))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 4*n {
		t.Fatalf("%s.f32 has %d bytes, want %d", name, len(data), 4*n)
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return out
}

// torchvision's ImageNet normalization (net.ImageNetMean/Std), repeated so
// these tests do not depend on the net package.
var (
	imageNetMean = [3]float32{0.485, 0.456, 0.406}
	imageNetStd  = [3]float32{0.229, 0.224, 0.225}
)
