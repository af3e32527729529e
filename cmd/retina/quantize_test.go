package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyDetectModel is the tiny golden model with detection's sizes (96/160):
// calibration runs at the model's own sizes.
const tinyDetectModel = "../../testdata/golden/basic_v1.detect.safetensors"

// quantizeTiny quantizes the tiny golden model on calib and returns the
// int8 file.
func quantizeTiny(t *testing.T, calib string, extra ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "q.safetensors")
	args := append([]string{"quantize", "--model", tinyDetectModel, "--calib", calib, "--out", out, "--n", "2", "--quiet", "--threads", "1"}, extra...)
	code, stdout, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("retina %v: exit %d: %s", args, code, stderr)
	}
	for _, want := range []string{"input", "pyramid", "backbone.body.conv1", "SQNR", "wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Fatalf("quantize report lacks %q:\n%s", want, stdout)
		}
	}
	return out
}

// TestQuantizeEndToEnd: every kind of calibration set gives an int8 file
// that detect, eval and bench model load like a float one.
func TestQuantizeEndToEnd(t *testing.T) {
	ds := filepath.Join(t.TempDir(), "ds")
	if code, _, stderr := runCLI("synth", "--out", ds, "--n", "3", "--size", "96", "--quiet", "--classes", "circle,square,triangle,star"); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	images := t.TempDir()
	for _, f := range []string{astronaut, coffee} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(images, filepath.Base(f)), b, 0o644)
	}
	os.WriteFile(filepath.Join(images, "notes.txt"), []byte("not an image"), 0o644)
	quantizeTiny(t, "synth")
	quantizeTiny(t, images, "--rule", "minmax")
	q := quantizeTiny(t, ds, "--rule", "percentile")

	code, stdout, stderr := runCLI("detect", "--model", q, "--json", "--score-threshold", "0.01", astronaut)
	var r imageResult
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || r.Width != 256 || r.Detections == nil {
		t.Fatalf("detect with the int8 model: exit %d, %q, %s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI("eval", "--model", q, "--data", ds, "--json")
	var rep evalReport
	if code != 0 || json.Unmarshal([]byte(stdout), &rep) != nil || len(rep.PerClass) != 4 {
		t.Fatalf("eval with the int8 model: exit %d, %q, %s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI("bench", "model", "--model", q, "--size", "64", "--runs", "1", "--json")
	var b modelBench
	if code != 0 || json.Unmarshal([]byte(stdout), &b) != nil || !b.Int8 || b.MsMedian <= 0 || b.Kernels == "" {
		t.Fatalf("bench model on the int8 file: exit %d, %q, %s", code, stdout, stderr)
	}
}

// TestBenchModelInt8Fresh: --int8 on a fresh model quantizes it in memory.
func TestBenchModelInt8Fresh(t *testing.T) {
	code, stdout, stderr := runCLI("bench", "model", "--int8", "--backbone", "resnet18", "--classes", "3", "--size", "64", "--runs", "1", "--json")
	var b modelBench
	if code != 0 || json.Unmarshal([]byte(stdout), &b) != nil || !b.Int8 || b.MsMedian <= 0 || b.Classes != 3 {
		t.Fatalf("exit %d, %q, %s", code, stdout, stderr)
	}
}

// TestQuantizeBadInput: bad command lines exit 2, bad files 1 with the
// file named; no output file is left behind either way.
func TestQuantizeBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "q.safetensors")
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	int8File := quantizeTiny(t, "synth")
	cases := []struct {
		code  int
		frags []string
		args  []string
	}{
		{2, []string{"--calib"}, []string{"quantize", "--out", out}},
		{2, []string{"--out"}, []string{"quantize", "--calib", "synth"}},
		{2, []string{"--rule", "median"}, []string{"quantize", "--calib", "synth", "--out", out, "--rule", "median"}},
		{2, []string{"--n 0"}, []string{"quantize", "--calib", "synth", "--out", out, "--n", "0"}},
		{1, []string{"nothing-here"}, []string{"quantize", "--model", tinyDetectModel, "--calib", filepath.Join(dir, "nothing-here"), "--out", out}},
		{1, []string{empty, "no images"}, []string{"quantize", "--model", tinyDetectModel, "--calib", empty, "--out", out}},
		{1, []string{int8File, "retina-float-v1"}, []string{"quantize", "--model", int8File, "--calib", "synth", "--out", out}},
		{1, []string{"missing-dir"}, []string{"quantize", "--model", tinyDetectModel, "--calib", "synth", "--n", "1", "--quiet", "--out", filepath.Join(dir, "missing-dir", "q.safetensors")}},
	}
	for _, c := range cases {
		expectFailure(t, c.code, c.frags, c.args...)
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Fatalf("retina %v left %s behind", c.args, out)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 { // only the empty folder
		t.Errorf("%d entries left in %s", len(entries), dir)
	}
	code, _, stderr := runCLI("quantize", "--help")
	if code != 0 || !strings.Contains(stderr, "--calib") || !strings.Contains(stderr, "synth") {
		t.Errorf("--help: exit %d, %q", code, stderr)
	}
}

func TestQuantizeNonModelFile(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "run", "train.csv")
	os.MkdirAll(filepath.Dir(csv), 0o755)
	os.WriteFile(csv, []byte("epoch,step,lr,loss,class_loss,box_loss,foreground,grad_norm,val_ap,val_ap50\n1,1,0.001,1.2,0.8,0.4,12,3.1,,\n"), 0o644)
	out := filepath.Join(dir, "q.safetensors")
	expectFailure(t, 1, []string{csv + ": not a safetensors model file", `"epoch,step`}, "quantize", "--model", csv, "--calib", "synth", "--out", out)
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed quantize left %s: %v", out, err)
	}
}
