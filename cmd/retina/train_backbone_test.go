package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/retina-edge/retina/internal/testtool"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/torchimport"
)

// TestTrainBackboneWeights: retina train --backbone resnet18
// --backbone-weights starts from the checkpoint's backbone: after a step,
// the tensors a pretrained backbone keeps frozen (the stem and layer1, as
// torchvision fine-tunes) are the checkpoint's exactly.
func TestTrainBackboneWeights(t *testing.T) {
	py := testtool.NeedTorch(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "x.f32")
	if err := os.WriteFile(in, make([]byte, 4*3*32*32), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "../../tools/make_backbone_parity.py", "--input", in, "--height", "32", "--width", "32", "--out", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make_backbone_parity.py: %v\n%s", err, out)
	}
	pth := filepath.Join(dir, "backbone.pth")
	run := filepath.Join(dir, "run")
	mustRunCLI(t, "train", "--data", trainSynth(t, 5), "--backbone", "resnet18", "--backbone-weights", pth,
		"--size", "64", "--epochs", "1", "--batch", "8", "--threads", "2", "--out", run, "--quiet")
	_, got, err := net.ReadModelFile(filepath.Join(run, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := net.ResNetConfig("resnet18", 1)
	want, err := torchimport.ImportBackbone(pth, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"backbone.body.conv1.weight", "backbone.body.bn1.running_var", "backbone.body.layer1.1.conv2.weight"} {
		if !slices.Equal(got[name].Data, want[name].Data) {
			t.Errorf("%s differs from the checkpoint's", name)
		}
	}
	if slices.Equal(got["backbone.body.layer4.1.conv2.weight"].Data, want["backbone.body.layer4.1.conv2.weight"].Data) {
		t.Error("layer4 did not train")
	}
}

func TestTrainBackboneWeightsErrors(t *testing.T) {
	data := trainSynth(t, 6)
	out := filepath.Join(t.TempDir(), "run")
	expectFailure(t, 2, []string{"--backbone-weights initialises a --backbone resnet18"}, "train", "--data", data, "--out", out, "--backbone-weights", "x.pth")
	expectFailure(t, 1, []string{"not_retinanet_fasterrcnn.pt", "a detector's checkpoint"}, "train", "--data", data, "--out", out,
		"--backbone", "resnet18", "--backbone-weights", "../../testdata/import/not_retinanet_fasterrcnn.pt")
}
