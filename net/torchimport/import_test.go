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
	"github.com/retina-edge/retina/net/safetensors"
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
func checkValues(t *testing.T, fixture string, tensors []safetensors.Tensor) {
	t.Helper()
	want := loadExpected(t, fixture)
	if len(tensors) != len(want) {
		t.Errorf("%d tensors, the fixture has %d", len(tensors), len(want))
	}
	for i := range tensors {
		tn := &tensors[i]
		w, ok := want[tn.Name]
		if !ok {
			t.Errorf("unexpected tensor %q", tn.Name)
			continue
		}
		if !reflect.DeepEqual(tn.Shape, w.Shape) || tn.DType != "F32" {
			t.Errorf("%s: %s %v, want F32 %v", tn.Name, tn.DType, tn.Shape, w.Shape)
			continue
		}
		v, err := tn.Float32s()
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, x := range v {
			sum += float64(x)
		}
		if math.Abs(sum-w.Sum) > 1e-9*(1+math.Abs(w.Sum))*float64(len(v)) {
			t.Errorf("%s: sum %.12g, want %.12g", tn.Name, sum, w.Sum)
		}
		for j, f := range w.First {
			if v[j] != float32(f) {
				t.Errorf("%s[%d] = %v, want %v", tn.Name, j, v[j], f)
			}
		}
		if v[len(v)-1] != float32(w.Last) {
			t.Errorf("%s[last] = %v, want %v", tn.Name, v[len(v)-1], w.Last)
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

func TestModelRoundTrip(t *testing.T) {
	cfg, tensors, err := ImportFile(fixtures+"tiny_v2_bottleneck.pt", Options{Labels: []string{"a", "b", "c"}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := WriteModel(path, cfg, tensors); err != nil {
		t.Fatal(err)
	}
	got, f, err := ReadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Errorf("config after round trip\n got %+v\nwant %+v", got, cfg)
	}
	if f.Metadata["format"] != "retina-float-v1" || len(f.Tensors) != len(tensors) {
		t.Errorf("metadata %v, %d tensors", f.Metadata["format"], len(f.Tensors))
	}
	checkValues(t, "tiny_v2_bottleneck.pt", f.Tensors)

	// WriteModel refuses tensors that do not match the config.
	bad := append([]safetensors.Tensor{}, tensors[1:]...)
	if err := WriteModel(path, cfg, bad); err == nil || !strings.Contains(err.Error(), "missing tensor") {
		t.Errorf("missing tensor: %v", err)
	}
	cfg2 := cfg
	cfg2.NumClasses = 4
	cfg2.Labels = nil
	if err := WriteModel(path, cfg2, tensors); err == nil || !strings.Contains(err.Error(), `"head.classification_head.cls_logits.bias" has shape [27], the inferred architecture needs [36]`) {
		t.Errorf("wrong shape: %v", err)
	}
	// ReadModel refuses other safetensors files.
	other := filepath.Join(t.TempDir(), "other.safetensors")
	if err := safetensors.WriteFile(other, map[string]string{"format": "pt"}, tensors); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadModel(other); err == nil || !strings.Contains(err.Error(), `format "pt", want "retina-float-v1"`) {
		t.Errorf("foreign file: %v", err)
	}
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

// The standard torchvision shapes: ExpectedShapes of ResNetConfig("resnet50")
// must reproduce retinanet_resnet50_fpn's 354 state_dict entries minus its 53
// num_batches_tracked counters.
func TestExpectedShapesResNet50(t *testing.T) {
	cfg, _ := net.ResNetConfig("resnet50", 91)
	m := ExpectedShapes(cfg)
	if len(m) != 354-53 {
		t.Errorf("%d tensors, want %d", len(m), 354-53)
	}
	checks := map[string][]int{
		"backbone.body.layer1.0.downsample.0.weight": {256, 64, 1, 1},
		"backbone.body.layer4.2.conv3.weight":        {2048, 512, 1, 1},
		"backbone.fpn.inner_blocks.2.0.weight":       {256, 2048, 1, 1},
		"backbone.fpn.extra_blocks.p6.weight":        {256, 256, 3, 3},
		"head.classification_head.cls_logits.weight": {819, 256, 3, 3},
		"head.regression_head.bbox_reg.bias":         {36},
	}
	for name, want := range checks {
		if !reflect.DeepEqual(m[name], want) {
			t.Errorf("%s: %v, want %v", name, m[name], want)
		}
	}
	if _, ok := m["backbone.body.layer2.1.downsample.0.weight"]; ok {
		t.Error("a non-first block got a downsample")
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
