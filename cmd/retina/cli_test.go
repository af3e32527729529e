package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// runCLI runs one retina command line in-process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// expectFailure checks a non-zero exit with one clear stderr line that
// contains every fragment, and no panic trace.
func expectFailure(t *testing.T, wantCode int, fragments []string, args ...string) {
	t.Helper()
	code, _, stderr := runCLI(args...)
	if code != wantCode {
		t.Fatalf("retina %v: exit %d, want %d (stderr %q)", args, code, wantCode, stderr)
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		t.Fatalf("retina %v: panic trace on stderr:\n%s", args, stderr)
	}
	for _, f := range fragments {
		if !strings.Contains(stderr, f) {
			t.Fatalf("retina %v: stderr %q does not mention %q", args, stderr, f)
		}
	}
}

func TestUsage(t *testing.T) {
	code, _, stderr := runCLI("--help")
	if code != 0 || !strings.Contains(stderr, "detect") || !strings.Contains(stderr, "bench") {
		t.Fatalf("--help: exit %d, %q", code, stderr)
	}
	expectFailure(t, 2, []string{"unknown command", "frobnicate"}, "frobnicate")
	expectFailure(t, 2, []string{"which benchmark"}, "bench")
	expectFailure(t, 2, []string{"MxNxK"}, "bench", "kernels", "--shape", "3x0x2")
}

func TestBenchKernelsJSON(t *testing.T) {
	code, stdout, stderr := runCLI("bench", "kernels", "--json", "--threads", "2", "--time", "1ms", "--shape", "37x70x29", "--shape", "64x64x64")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r kernelRow
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if r.Op == "sgemm" && (r.GFLOPS <= 0 || r.M == 0 || r.K == 0 || (r.Threads != 1 && r.Threads != 2)) {
			t.Fatalf("bad sgemm row %+v", r)
		}
		if r.Op == "sigmoid" && r.GElems <= 0 {
			t.Fatalf("bad sigmoid row %+v", r)
		}
		seen[r.Op+"/"+r.Impl] = true
	}
	for _, want := range []string{"sgemm/generic", "sgemm/gonum", "sigmoid/generic"} {
		if !seen[want] {
			t.Fatalf("no %s row in %v", want, seen)
		}
	}
}

func TestBenchModelRejectsAbsurdSize(t *testing.T) {
	expectFailure(t, 2, []string{"--size 100000"}, "bench", "model", "--size", "100000")
	expectFailure(t, 2, []string{"--size 33"}, "bench", "model", "--size", "33")
	expectFailure(t, 2, []string{"--backbone", "vgg"}, "bench", "model", "--backbone", "vgg", "--size", "64")
}

func TestBenchModelJSON(t *testing.T) {
	code, stdout, stderr := runCLI("bench", "model", "--backbone", "resnet18", "--classes", "3", "--size", "64", "--runs", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r modelBench
	if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &r); err != nil {
		t.Fatalf("not JSON: %q", stdout)
	}
	if r.Backbone != "resnet18" || r.Size != 64 || r.Threads != 1 || r.MsMedian <= 0 || r.MsMin > r.MsMedian {
		t.Fatalf("bad result %+v", r)
	}
}

func TestEvalGTDT(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "cocoeval", "basic")
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	plot := filepath.Join(t.TempDir(), "pr.png")
	code, stdout, stderr := runCLI("eval", "--gt", filepath.Join(dir, "gt.json"), "--dt", filepath.Join(dir, "dt.json"), "--json",
		"--plot", plot)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkPlotFile(t, plot) // a PNG of mode 0644, as train.png
	var rep evalReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Stats []float64 `json:"stats"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "want.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Stats) != 12 {
		t.Fatalf("expected.json has %d stats", len(want.Stats))
	}
	for i, name := range []string{"AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large", "AR1", "AR10", "AR100", "AR_small", "AR_medium", "AR_large"} {
		if d := rep.Stats[name] - want.Stats[i]; d > 1e-9 || d < -1e-9 {
			t.Fatalf("%s = %v, want %v", name, rep.Stats[name], want.Stats[i])
		}
	}
}

func TestEvalBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "gt.json")
	os.WriteFile(bad, []byte(`{"images": [`), 0o644)
	expectFailure(t, 1, []string{"gt.json"}, "eval", "--gt", bad, "--dt", bad)
	expectFailure(t, 2, []string{"--data", "--gt", "--dt"}, "eval")
	expectFailure(t, 2, []string{"--data", "--gt", "--dt"}, "eval", "--gt", bad)
	plot := filepath.Join(dir, "pr.gif")
	gt := filepath.Join("..", "..", "testdata", "cocoeval", "basic", "gt.json")
	dt := filepath.Join("..", "..", "testdata", "cocoeval", "basic", "dt.json")
	expectFailure(t, 1, []string{"pr.gif", "not supported"}, "eval", "--gt", gt, "--dt", dt, "--plot", plot)
	if _, err := os.Stat(plot); !os.IsNotExist(err) {
		t.Fatal("a failed plot left a file behind")
	}
}

func TestSynth(t *testing.T) {
	out := filepath.Join(t.TempDir(), "ds")
	code, stdout, stderr := runCLI("synth", "--out", out, "--n", "3", "--size", "64", "--quiet")
	if code != 0 || !strings.Contains(stdout, "wrote 3 images") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "annotations.json")); err != nil {
		entries, _ := os.ReadDir(out)
		t.Fatalf("no COCO annotations in %s: %v", out, entries)
	}
	expectFailure(t, 1, []string{"format"}, "synth", "--out", filepath.Join(t.TempDir(), "x"), "--format", "pascal", "--quiet")
	expectFailure(t, 2, []string{"--out"}, "synth")
}

// TestEvalModelOnData: a tiny model trained on nothing scores a real (tiny)
// synth dataset end to end; the numbers are valid COCO values.
func TestEvalModelOnData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ds")
	if code, _, stderr := runCLI("synth", "--out", dir, "--n", "3", "--size", "64", "--quiet", "--classes", "circle,square,triangle,star"); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	code, stdout, stderr := runCLI("eval", "--model", tinyModel, "--data", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep evalReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if ap, ok := rep.Stats["AP"]; !ok || ap < -1 || ap > 1 || len(rep.PerClass) != 4 {
		t.Fatalf("bad report %+v", rep)
	}
	expectFailure(t, 1, []string{"nothing-here"}, "eval", "--model", tinyModel, "--data", filepath.Join(t.TempDir(), "nothing-here"))
	expectFailure(t, 2, []string{"--min-size"}, "eval", "--model", tinyModel, "--data", dir, "--min-size", "10")
}

// TestEvalInputSize: --min-size/--max-size reach the detector (the embedded
// model scores a synth set differently at half its input size).
func TestEvalInputSize(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ds")
	if code, _, stderr := runCLI("synth", "--out", dir, "--n", "6", "--seed", "13", "--quiet"); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	stats := map[string]string{}
	for _, size := range []string{"0", "128"} {
		code, stdout, stderr := runCLI("eval", "--data", dir, "--json", "--min-size", size, "--max-size", size)
		if code != 0 {
			t.Fatalf("eval at %s: exit %d: %s", size, code, stderr)
		}
		var rep evalReport
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatal(err)
		}
		stats[size] = fmt.Sprint(rep.Stats)
	}
	if stats["0"] == stats["128"] {
		t.Fatalf("the same numbers at the model's size and at 128: %s", stats["0"])
	}
}

// TestEvalMismatchedClasses: a dataset with more classes than the model, or
// (for a model that names its classes) other names, is refused with both
// files named and what to do.
func TestEvalMismatchedClasses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ds")
	if code, _, stderr := runCLI("synth", "--out", dir, "--n", "2", "--size", "64", "--quiet", "--classes", "circle,square,triangle,star,cross"); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	expectFailure(t, 1, []string{"the dataset " + dir + " has 5 classes but the model " + tinyModel + " has 4 classes", "retina train --data " + dir + " --model " + tinyModel + " --out DIR"},
		"eval", "--model", tinyModel, "--data", dir)
	named := filepath.Join(t.TempDir(), "ds")
	if code, _, stderr := runCLI("synth", "--out", named, "--n", "2", "--size", "64", "--quiet", "--classes", "circle,star"); code != 0 {
		t.Fatalf("synth: %s", stderr)
	}
	// The embedded model names its five classes; this dataset's second is
	// another.
	expectFailure(t, 1, []string{`class 1 is "star" in the dataset ` + named, "in the embedded default model", "fine-tune"},
		"eval", "--data", named)
}
