package net

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net/safetensors"
)

// tinyConfig is a narrow v1 network that runs in microseconds.
func tinyConfig() Config {
	c, _ := ResNetConfig("resnet18", 3)
	c.Backbone, c.StemWidth, c.Widths, c.FPNWidth, c.HeadConvs = "custom", 4, [4]int{4, 6, 8, 8}, 8, 2
	c.Layers = [4]int{1, 1, 1, 1}
	return c
}

func TestNewModelRejectsBadWeights(t *testing.T) {
	cfg := tinyConfig()
	for _, tc := range []struct {
		edit func(map[string]Param)
		want string
	}{
		{func(w map[string]Param) { delete(w, "backbone.body.layer2.0.bn1.running_var") },
			"missing tensor backbone.body.layer2.0.bn1.running_var"},
		{func(w map[string]Param) {
			w["backbone.fpn.extra_blocks.p6.weight"] = Param{Shape: []int{8, 8, 3, 1}, Data: make([]float32, 192)}
		}, "tensor backbone.fpn.extra_blocks.p6.weight has shape [8 8 3 1], want [8 8 3 3]"},
		{func(w map[string]Param) {
			p := w["head.regression_head.bbox_reg.bias"]
			w["head.regression_head.bbox_reg.bias"] = Param{Shape: p.Shape, Data: p.Data[:3]}
		}, "tensor head.regression_head.bbox_reg.bias has 3 elements"},
		{func(w map[string]Param) { w["head.classification_head.conv.2.0.weight"] = Param{} },
			"unexpected tensor head.classification_head.conv.2.0.weight"},
	} {
		w, err := InitialWeights(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		tc.edit(w)
		if _, err := NewModel(cfg, w, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want error %q, got %v", tc.want, err)
		}
	}
	bad := cfg
	bad.Block = "nope"
	if _, err := NewInitializedModel(bad, 1, 1); err == nil {
		t.Error("NewInitializedModel accepted an invalid config")
	}
}

func TestInitialWeights(t *testing.T) {
	cfg := tinyConfig()
	w, err := InitialWeights(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := InitialWeights(cfg, 7)
	if w["backbone.body.conv1.weight"].Data[5] != again["backbone.body.conv1.weight"].Data[5] {
		t.Error("same seed, different weights")
	}
	prior := float32(-math.Log(99))
	for name, want := range map[string]float32{
		"head.classification_head.cls_logits.bias": prior, "head.regression_head.bbox_reg.bias": 0,
		"backbone.body.bn1.weight": 1, "backbone.body.bn1.running_var": 1, "backbone.body.bn1.running_mean": 0,
		"backbone.fpn.inner_blocks.0.0.bias": 0,
	} {
		for _, v := range w[name].Data {
			if v != want {
				t.Fatalf("%s holds %g, want %g", name, v, want)
			}
		}
	}
	// Standard deviations: heads 0.01, backbone sqrt(2/fan_out); FPN
	// uniform within sqrt(3/fan_in).
	checkStd := func(name string, want float64) {
		d := w[name].Data
		var sq float64
		for _, v := range d {
			sq += float64(v) * float64(v)
		}
		if got := math.Sqrt(sq / float64(len(d))); math.Abs(got-want) > 0.1*want {
			t.Errorf("%s: std %g, want %g", name, got, want)
		}
	}
	checkStd("head.classification_head.conv.0.0.weight", 0.01)
	checkStd("backbone.body.layer4.0.conv1.weight", math.Sqrt(2.0/(8*9)))
	// zero_init_residual: each block's branch ends in a zero conv.
	for name, p := range w {
		if isResidualBranchEnd(cfg, name) != (strings.HasPrefix(name, "backbone.body.layer") && strings.HasSuffix(name, ".conv2.weight")) {
			t.Errorf("%s: misclassified as a residual branch end", name)
		}
		if isResidualBranchEnd(cfg, name) {
			for _, v := range p.Data {
				if v != 0 {
					t.Fatalf("%s holds %g, want 0 (zero-initialised residual branch)", name, v)
				}
			}
		}
	}
	if !isResidualBranchEnd(Config{Block: "bottleneck"}, "backbone.body.layer2.3.conv3.weight") || isResidualBranchEnd(Config{Block: "bottleneck"}, "backbone.body.layer2.3.conv2.weight") {
		t.Error("bottleneck blocks end in conv3")
	}
	checkStd("backbone.fpn.layer_blocks.0.0.weight", math.Sqrt(3.0/(8*9))/math.Sqrt(3))
	bound := float32(math.Sqrt(3.0 / (8 * 9)))
	for _, v := range w["backbone.fpn.layer_blocks.0.0.weight"].Data {
		if v < -bound || v > bound {
			t.Fatalf("FPN weight %g outside ±%g", v, bound)
		}
	}
}

func randomInput(n int) []float32 { return randomSlice(rand.New(rand.NewSource(9)), n) }

// After the first Forward of a size, Forward allocates nothing; a new size
// plans again and still gives the same results for the old one.
func TestForwardReusesBuffers(t *testing.T) {
	cfg := tinyConfig()
	cfg.HeadGroupNorm, cfg.FPNWidth, cfg.P6FromC5 = true, 32, true
	m, err := NewInitializedModel(cfg, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	in := randomInput(2 * 3 * 70 * 45)
	outs, err := m.Forward(2, 70, 45, in)
	if err != nil {
		t.Fatal(err)
	}
	first := append([]float32(nil), outs[0].ClassLogits.Data...)
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := m.Forward(2, 70, 45, in); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Forward allocated %v times per run after warm-up", allocs)
	}
	if _, err := m.Forward(1, 33, 31, in[:3*33*31]); err != nil {
		t.Fatal(err)
	}
	outs, _ = m.Forward(2, 70, 45, in)
	for i, v := range first {
		if outs[0].ClassLogits.Data[i] != v {
			t.Fatalf("P3 logit %d changed after re-planning: %g vs %g", i, outs[0].ClassLogits.Data[i], v)
		}
	}
	// Shapes per level: 70x45 -> C3 9x6, C4 5x3, C5 3x2, P6 2x1, P7 1x1.
	want := [NumLevels][2]int{{9, 6}, {5, 3}, {3, 2}, {2, 1}, {1, 1}}
	a := cfg.AnchorsPerCell()
	for l, o := range outs {
		if o.ClassLogits.Shape != [4]int{2, a * 3, want[l][0], want[l][1]} || o.BoxDeltas.Shape != [4]int{2, a * 4, want[l][0], want[l][1]} {
			t.Errorf("P%d shapes %v %v", l+3, o.ClassLogits.Shape, o.BoxDeltas.Shape)
		}
	}
}

// Each image of a batch gives what it gives alone.
func TestForwardBatchIndependent(t *testing.T) {
	m, err := NewInitializedModel(tinyConfig(), 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const h, w = 40, 56
	in := randomInput(2 * 3 * h * w)
	outs, _ := m.Forward(2, h, w, in)
	var batched [NumLevels][]float32
	for l, o := range outs {
		batched[l] = append([]float32(nil), o.BoxDeltas.Data...)
	}
	single, _ := m.Forward(1, h, w, in[3*h*w:])
	for l, o := range single {
		n := len(o.BoxDeltas.Data)
		for i, v := range o.BoxDeltas.Data {
			if batched[l][n+i] != v {
				t.Fatalf("P%d: image 1 alone differs at %d: %g vs %g", l+3, i, v, batched[l][n+i])
			}
		}
	}
}

func TestForwardRejectsBadInput(t *testing.T) {
	m, err := NewInitializedModel(tinyConfig(), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, tc := range []struct {
		batch, h, w, n int
		want           string
	}{
		{0, 32, 32, 0, "empty dimension"},
		{1, 32, 32, 100, "needs 3072"},
		{1 << 20, 1 << 20, 1 << 20, 10, "too large"},
	} {
		if _, err := m.Forward(tc.batch, tc.h, tc.w, make([]float32, tc.n)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: want error %q, got %v", tc, tc.want, err)
		}
	}
}

func TestModelFileRoundTrip(t *testing.T) {
	cfg := tinyConfig()
	cfg.Labels = []string{"cat", "dog", "bird"}
	w, _ := InitialWeights(cfg, 5)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := WriteModelFile(path, cfg, w); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModelFile(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := m.Config(); got.Labels[2] != "bird" || got.Widths != cfg.Widths {
		t.Errorf("config did not survive: %+v", got)
	}
	ref, _ := NewModel(cfg, w, 1)
	defer ref.Close()
	in := randomInput(3 * 64 * 64)
	a, _ := m.Forward(1, 64, 64, in)
	b, _ := ref.Forward(1, 64, 64, in)
	for l := range a {
		for i, v := range a[l].ClassLogits.Data {
			if b[l].ClassLogits.Data[i] != v {
				t.Fatalf("loaded model differs at P%d %d", l+3, i)
			}
		}
	}
	delete(w, "backbone.body.conv1.weight")
	if err := WriteModelFile(path, cfg, w); err == nil || !strings.Contains(err.Error(), "backbone.body.conv1.weight") {
		t.Errorf("WriteModelFile with a missing tensor: %v", err)
	}
}

func TestLoadModelFileErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig()
	w, _ := InitialWeights(cfg, 5)
	tensors := func(skip string) []safetensors.Tensor {
		specs, _ := cfg.Params()
		var out []safetensors.Tensor
		for _, s := range specs {
			if s.Name != skip {
				out = append(out, safetensors.F32(s.Name, s.Shape, w[s.Name].Data))
			}
		}
		return out
	}
	good := `{"backbone":"custom","block":"basic","layers":[1,1,1,1],"stem_width":4,"widths":[4,6,8,8],` +
		`"fpn_width":8,"head_convs":2,"num_classes":3,"anchor_sizes":[[32],[64],[128],[256],[512]],"aspect_ratios":[1],` +
		`"min_size":64,"max_size":96,"image_mean":[0.5,0.5,0.5],"image_std":[0.25,0.25,0.25]}`
	for i, tc := range []struct {
		meta    map[string]string
		tensors []safetensors.Tensor
		want    string
	}{
		{map[string]string{"format": "other"}, nil, `metadata format is "other"`},
		{map[string]string{"format": ModelFormat}, nil, `no "retina" configuration`},
		{map[string]string{"format": ModelFormat, "retina": "{"}, nil, "configuration:"},
		{map[string]string{"format": ModelFormat, "retina": `{"block":"x"}`}, nil, "block"},
		{map[string]string{"format": ModelFormat, "retina": good}, tensors(""), "has shape [27], want [3] (and 3 more like it)"},
	} {
		path := filepath.Join(dir, "bad.safetensors")
		if err := safetensors.WriteFile(path, tc.meta, tc.tensors); err != nil {
			t.Fatal(err)
		}
		_, err := LoadModelFile(path, 1)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("case %d: want an error naming %s and %q, got %v", i, path, tc.want, err)
		}
	}
	path := filepath.Join(dir, "missing.safetensors")
	js := strings.Replace(good, `[[32],[64],[128],[256],[512]],"aspect_ratios":[1]`, `[[32,40,50],[64,80,101],[128,161,203],[256,322,406],[512,645,812]],"aspect_ratios":[0.5,1,2]`, 1)
	if err := safetensors.WriteFile(path, map[string]string{"format": ModelFormat, "retina": js}, tensors("backbone.fpn.extra_blocks.p7.bias")); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModelFile(path, 1); err == nil || !strings.Contains(err.Error(), "missing tensor backbone.fpn.extra_blocks.p7.bias") {
		t.Errorf("missing tensor: %v", err)
	}
	if _, err := LoadModelFile(filepath.Join(dir, "nope.safetensors"), 1); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("absent file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		if next := u.Unwrap(); next != nil {
			err = next
		} else {
			return err
		}
	}
}

// Inputs far smaller than the network's stride still give one cell per level.
func TestForwardTinyInputs(t *testing.T) {
	m, err := NewInitializedModel(tinyConfig(), 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, hw := range [][2]int{{1, 1}, {7, 5}, {33, 2}} {
		outs, err := m.Forward(1, hw[0], hw[1], randomInput(3*hw[0]*hw[1]))
		if err != nil {
			t.Fatal(err)
		}
		for l, o := range outs {
			if o.ClassLogits.H() < 1 || o.ClassLogits.W() < 1 || l == 4 && (o.BoxDeltas.H() != 1 || o.BoxDeltas.W() != 1) {
				t.Errorf("%v: P%d shape %v", hw, l+3, o.ClassLogits.Shape)
			}
			for _, v := range o.ClassLogits.Data {
				if v != v {
					t.Fatalf("%v: NaN in P%d", hw, l+3)
				}
			}
		}
	}
}
