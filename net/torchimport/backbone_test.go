package torchimport

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/retina-edge/retina/internal/testtool"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/preprocess"
)

// tinyClassifierConfig is a RetinaNet whose backbone is the tiny ResNet
// classifier of not_retinanet_resnet.pt (basic blocks [1,1,1,1], widths 8).
func tinyClassifierConfig() net.Config {
	c := tinyV1Config()
	c.Layers, c.Widths = [4]int{1, 1, 1, 1}, [4]int{8, 8, 8, 8}
	return c
}

func TestImportBackboneNamesAndErrors(t *testing.T) {
	cfg := tinyClassifierConfig()
	w, err := ImportBackbone(fixtures+"not_retinanet_resnet.pt", cfg)
	if err != nil {
		t.Fatal(err)
	}
	specs, _ := cfg.Params()
	n := 0
	for _, s := range specs {
		if strings.HasPrefix(s.Name, backbonePrefix) {
			n++
			if _, ok := w[s.Name]; !ok {
				t.Errorf("%s missing", s.Name)
			}
		}
	}
	if n == 0 || len(w) != n {
		t.Fatalf("%d tensors, the backbone has %d", len(w), n)
	}
	if p := w["backbone.body.conv1.weight"]; len(p.Data) != 8*3*7*7 {
		t.Fatalf("conv1: %d values", len(p.Data))
	}
	wide, deep := cfg, cfg
	wide.Widths = [4]int{8, 12, 16, 24}
	deep.Layers = [4]int{1, 2, 1, 1}
	for _, tc := range []struct {
		path string
		cfg  net.Config
		want string
	}{
		{fixtures + "not_retinanet_resnet.pt", wide, "has shape"},
		{fixtures + "tiny_v1_basic.pt", tinyV1Config(), "a detector's checkpoint"},
		{fixtures + "not_retinanet_fasterrcnn.pt", cfg, "a detector's checkpoint"},
		{fixtures + "not_retinanet_resnet.pt", deep, "lacks, e.g. \"layer2.1.bn1.bias\""},
		{fixtures + "missing.pt", cfg, "no such file"},
	} {
		if _, err := ImportBackbone(tc.path, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.path, err, tc.want)
		}
	}
}

// TestImportBackboneMatchesTorchvision: a seeded torchvision resnet18
// ImageNet checkpoint, made by tools/make_backbone_parity.py, loaded as a
// RetinaNet's backbone gives torchvision's C3..C5 features on a photo,
// within the golden tests' tolerance (1e-4 of each tensor's largest value).
func TestImportBackboneMatchesTorchvision(t *testing.T) {
	py := testtool.NeedTorch(t)
	cfg, _ := net.ResNetConfig("resnet18", 2)
	cfg.MinSize, cfg.MaxSize = 256, 256
	img, err := preprocess.DecodeFile("../../testdata/images/astronaut.jpg", 1<<26)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	rw, rh := preprocess.ResizedSize(b.Dx(), b.Dy(), cfg.MinSize, cfg.MaxSize)
	pw, ph := preprocess.PaddedSize(rw, rh)
	input := make([]float32, 3*pw*ph)
	if _, err := preprocess.NewPreprocessor(cfg.MinSize, cfg.MaxSize, cfg.ImageMean, cfg.ImageStd).Run(img, input); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "input.f32")
	if err := os.WriteFile(in, f32Bytes(input), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "../../tools/make_backbone_parity.py", "--arch", "resnet18", "--input", in,
		"--height", strconv.Itoa(ph), "--width", strconv.Itoa(pw), "--out", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make_backbone_parity.py: %v\n%s", err, out)
	}
	w, err := net.InitialWeights(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	bw, err := ImportBackbone(filepath.Join(dir, "backbone.pth"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range bw {
		w[k] = v
	}
	m, err := net.NewModel(cfg, w, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	arch, _ := cfg.Arch()
	want := map[string]string{}
	for s, name := range []string{"c3", "c4", "c5"} {
		stage := arch.Stages[s+1]
		want[stage[len(stage)-1].Output()] = name
	}
	got := map[string][]float32{}
	m.SetObserver(func(name string, values []float32) {
		if f, ok := want[name]; ok {
			got[f] = append([]float32(nil), values...)
		}
	})
	if _, err := m.Forward(1, ph, pw, input); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"c3", "c4", "c5"} {
		raw, err := os.ReadFile(filepath.Join(dir, name+".f32"))
		if err != nil {
			t.Fatal(err)
		}
		ref := make([]float32, len(raw)/4)
		for i := range ref {
			ref[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		g := got[name]
		if len(g) != len(ref) {
			t.Fatalf("%s: %d values, torchvision %d", name, len(g), len(ref))
		}
		var scale, worst float64
		for i := range ref {
			scale = max(scale, math.Abs(float64(ref[i])))
			worst = max(worst, math.Abs(float64(g[i]-ref[i])))
		}
		t.Logf("%s: %d values, max |torchvision| %.4g, max |diff| %.3g", name, len(ref), scale, worst)
		if scale == 0 || !(worst <= 1e-4*scale) {
			t.Fatalf("%s: max |diff| %g > 1e-4 x %g", name, worst, scale)
		}
	}
}

func f32Bytes(v []float32) []byte {
	out := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(x))
	}
	return out
}
