package torchimport

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
)

const fixtures = "../../testdata/import/"

// tensorFacts is what tools/make_import_fixtures.py recorded per tensor.
type tensorFacts struct {
	Shape []int     `json:"shape"`
	Sum   float64   `json:"sum"`
	First []float64 `json:"first"`
	Last  float64   `json:"last"`
}

func loadExpected(t *testing.T, fixture string) map[string]tensorFacts {
	t.Helper()
	b, err := os.ReadFile(fixtures + "expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]map[string]tensorFacts
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	return all[fixture]
}

// checkValues compares imported tensors with the values PyTorch exported.
func checkValues(t *testing.T, fixture string, weights map[string]net.Param) {
	t.Helper()
	want := loadExpected(t, fixture)
	if len(weights) != len(want) {
		t.Errorf("%d tensors, the fixture has %d", len(weights), len(want))
	}
	for name, p := range weights {
		w, ok := want[name]
		if !ok {
			t.Errorf("unexpected tensor %q", name)
			continue
		}
		if !reflect.DeepEqual(p.Shape, w.Shape) {
			t.Errorf("%s: shape %v, want %v", name, p.Shape, w.Shape)
			continue
		}
		v := p.Data
		sum := 0.0
		for _, x := range v {
			sum += float64(x)
		}
		if math.Abs(sum-w.Sum) > 1e-9*(1+math.Abs(w.Sum))*float64(len(v)) {
			t.Errorf("%s: sum %.12g, want %.12g", name, sum, w.Sum)
		}
		for j, f := range w.First {
			if v[j] != float32(f) {
				t.Errorf("%s[%d] = %v, want %v", name, j, v[j], f)
			}
		}
		if v[len(v)-1] != float32(w.Last) {
			t.Errorf("%s[last] = %v, want %v", name, v[len(v)-1], w.Last)
		}
	}
}

func tinyV1Config() net.Config {
	return net.Config{
		Backbone: "custom", Block: "basic", Layers: [4]int{1, 2, 1, 1}, StemWidth: 8,
		Widths: [4]int{8, 12, 16, 24}, FPNWidth: 8, P6FromC5: false, HeadConvs: 4, HeadGroupNorm: false,
		NumClasses: 4, AnchorSizes: net.DefaultAnchorSizes(), AspectRatios: net.DefaultAspectRatios(),
		MinSize: 800, MaxSize: 1333, ImageMean: net.ImageNetMean, ImageStd: net.ImageNetStd,
	}
}

func TestImportV1Basic(t *testing.T) {
	cfg, tensors, err := ImportFile(fixtures+"tiny_v1_basic.pt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := tinyV1Config(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("config\n got %+v\nwant %+v", cfg, want)
	}
	checkValues(t, "tiny_v1_basic.pt", tensors)
}

// The wrapped fixture is the same weights as {'model': sd}, with DataParallel
// "module." names, pre-0.13 FPN/head names, in the legacy torch.save format.
func TestImportWrappedLegacy(t *testing.T) {
	labels := []string{"bg", "cat", "dog", "bird"}
	cfg, tensors, err := ImportFile(fixtures+"tiny_v1_wrapped_legacy.pt", Options{MinSize: 320, MaxSize: 512, Labels: labels})
	if err != nil {
		t.Fatal(err)
	}
	want := tinyV1Config()
	want.MinSize, want.MaxSize, want.Labels = 320, 512, labels
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config\n got %+v\nwant %+v", cfg, want)
	}
	checkValues(t, "tiny_v1_wrapped_legacy.pt", tensors)
}

func TestImportV2Bottleneck(t *testing.T) {
	cfg, tensors, err := ImportFile(fixtures+"tiny_v2_bottleneck.pt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := net.Config{
		Backbone: "custom", Block: "bottleneck", Layers: [4]int{1, 1, 2, 1}, StemWidth: 8,
		Widths: [4]int{4, 4, 8, 12}, BottleneckWidths: [4]int{4, 4, 8, 12}, FPNWidth: 32, P6FromC5: true,
		HeadConvs: 4, HeadGroupNorm: true, NumClasses: 3,
		AnchorSizes: net.DefaultAnchorSizes(), AspectRatios: net.DefaultAspectRatios(),
		MinSize: 800, MaxSize: 1333, ImageMean: net.ImageNetMean, ImageStd: net.ImageNetStd,
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config\n got %+v\nwant %+v", cfg, want)
	}
	checkValues(t, "tiny_v2_bottleneck.pt", tensors)
}

func TestImportRefusesOtherModels(t *testing.T) {
	cases := map[string]string{
		"not_retinanet_resnet.pt":     `not a torchvision RetinaNet state_dict: missing "backbone.body.conv1.weight" (it has bare ResNet names`,
		"not_retinanet_fasterrcnn.pt": `not a torchvision RetinaNet state_dict: missing "backbone.fpn.extra_blocks.p6.weight" (it has rpn.* / roi_heads.* tensors`,
		"python.safetensors":          "not a torch.save checkpoint",
		"expected.json":               "not a torch.save checkpoint",
	}
	for file, want := range cases {
		_, _, err := ImportFile(fixtures+file, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), fixtures+file+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to name the file and say %q", file, err, want)
		}
	}
	if _, _, err := ImportFile(fixtures+"missing.pt", Options{}); err == nil || strings.Count(err.Error(), "missing.pt") != 1 {
		t.Errorf("missing file: %v", err)
	}
}

func TestImportOptionErrors(t *testing.T) {
	_, _, err := ImportFile(fixtures+"tiny_v1_basic.pt", Options{Labels: []string{"a"}})
	if err == nil || !strings.Contains(err.Error(), "1 labels given for a head with 4 classes") {
		t.Errorf("labels: %v", err)
	}
	_, _, err = ImportFile(fixtures+"tiny_v1_basic.pt", Options{AspectRatios: []float64{1}})
	if err == nil || !strings.Contains(err.Error(), "the heads predict 9 anchors per cell but the anchor generator gives 3") {
		t.Errorf("anchors: %v", err)
	}
	sizes := [][]int{{32}, {64}, {128}, {256}, {512}}
	cfg, _, err := ImportFile(fixtures+"tiny_v1_basic.pt", Options{AnchorSizes: sizes, AspectRatios: []float64{0.5, 1, 2, 3, 4, 5, 6, 7, 8}})
	if err != nil || !reflect.DeepEqual(cfg.AnchorSizes, sizes) || cfg.AnchorsPerCell() != 9 {
		t.Errorf("custom anchors: %+v, %v", cfg.AnchorSizes, err)
	}
}

// TestModelRoundTrip: an imported checkpoint written as a model file reads
// back with the same configuration and values.
func TestModelRoundTrip(t *testing.T) {
	cfg, weights, err := ImportFile(fixtures+"tiny_v2_bottleneck.pt", Options{Labels: []string{"a", "b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := net.WriteModelFile(path, cfg, weights); err != nil {
		t.Fatal(err)
	}
	got, back, err := net.ReadModelFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("config after round trip\n got %+v\nwant %+v", got, cfg)
	}
	checkValues(t, "tiny_v2_bottleneck.pt", back)
}

func TestBackboneNames(t *testing.T) {
	for _, name := range []string{"resnet18", "resnet34", "resnet50"} {
		cfg, _ := net.ResNetConfig(name, 91)
		if got := backboneName(cfg); got != name {
			t.Errorf("backboneName(%s config) = %s", name, got)
		}
		cfg.StemWidth = 32
		if got := backboneName(cfg); got != "custom" {
			t.Errorf("narrow %s named %s", name, got)
		}
	}
}

func TestNormalizeNames(t *testing.T) {
	got, err := normalizeNames([]string{
		"module.backbone.fpn.inner_blocks.0.weight", "module.backbone.fpn.layer_blocks.2.bias",
		"module.head.classification_head.conv.6.weight", "module.head.regression_head.conv.0.bias",
		"module.backbone.body.bn1.num_batches_tracked",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"backbone.fpn.inner_blocks.0.0.weight":     "module.backbone.fpn.inner_blocks.0.weight",
		"backbone.fpn.layer_blocks.2.0.bias":       "module.backbone.fpn.layer_blocks.2.bias",
		"head.classification_head.conv.3.0.weight": "module.head.classification_head.conv.6.weight",
		"head.regression_head.conv.0.0.bias":       "module.head.regression_head.conv.0.bias",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	// New-style v2 names (conv.0.1.weight is GroupNorm) are left alone.
	got, _ = normalizeNames([]string{"head.classification_head.conv.0.1.weight", "head.classification_head.conv.0.0.weight"})
	if _, ok := got["head.classification_head.conv.0.1.weight"]; !ok || len(got) != 2 {
		t.Errorf("v2 names changed: %v", got)
	}
	if _, err := normalizeNames([]string{"backbone.fpn.inner_blocks.0.weight", "backbone.fpn.inner_blocks.0.0.weight"}); err == nil {
		t.Error("colliding names accepted")
	}
}
