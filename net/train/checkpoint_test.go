package train

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

func checkpointFixture(t *testing.T) (net.Config, map[string]net.Param, *Optimizer, []*Param) {
	t.Helper()
	cfg := loopTinyConfig(3)
	w, err := net.InitialWeights(cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := NewOptimizer(DefaultSGD())
	p := &Param{Name: "head.regression_head.bbox_reg.bias", Data: slicesClone(w["head.regression_head.bbox_reg.bias"].Data), Decay: true}
	p.Grad = make([]float32, len(p.Data))
	for i := range p.Grad {
		p.Grad[i] = float32(i) * 0.1
	}
	opt.Step([]*Param{p}, 0.1)
	return cfg, w, opt, []*Param{p}
}

func slicesClone(s []float32) []float32 { return append([]float32(nil), s...) }

func TestCheckpointRoundTrip(t *testing.T) {
	cfg, w, opt, params := checkpointFixture(t)
	dir := t.TempDir()
	st := State{Epoch: 2, Batch: 1, Iter: 7, Run: loopRun(3, DefaultSGD())}
	if err := SaveCheckpoint(dir, cfg, w, opt, params, st); err != nil {
		t.Fatal(err)
	}
	ck, err := LoadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ck.State.Iter != 7 || ck.State.Epoch != 2 || ck.State.Run.Epochs != 3 || ck.Config.NumClasses != 3 {
		t.Fatalf("state %+v", ck.State)
	}
	weightsEqual(t, w, ck.Weights)
	other, _ := NewOptimizer(DefaultSGD())
	if err := other.SetState(params, 0, ck.optim); err != nil {
		t.Fatal(err)
	}
	if got, want := other.buf1[params[0].Name], opt.buf1[params[0].Name]; len(got) == 0 || got[3] != want[3] {
		t.Fatalf("momentum %v, want %v", got, want)
	}
	// The model half is a normal model file.
	if _, _, err := net.ReadModelFile(filepath.Join(dir, CheckpointFileName)); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpointFailureLeavesPreviousIntact(t *testing.T) {
	cfg, w, opt, params := checkpointFixture(t)
	dir := t.TempDir()
	if err := SaveCheckpoint(dir, cfg, w, opt, params, State{Iter: 1}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, ResumeFileName))
	// Weights missing a tensor: nothing may be written.
	partial := map[string]net.Param{}
	for k, v := range w {
		if !strings.HasPrefix(k, "head.") {
			partial[k] = v
		}
	}
	if err := SaveCheckpoint(dir, cfg, partial, opt, params, State{Iter: 2}); err == nil {
		t.Fatal("checkpoint of incomplete weights accepted")
	}
	// A rename that fails (the target is a folder) leaves no temporary file.
	blocked := t.TempDir()
	os.Mkdir(filepath.Join(blocked, ResumeFileName), 0o755)
	if err := SaveCheckpoint(blocked, cfg, w, opt, params, State{Iter: 2}); err == nil {
		t.Fatal("checkpoint over a folder succeeded")
	}
	assertNoTempFiles(t, blocked)
	assertNoTempFiles(t, dir)
	after, _ := os.ReadFile(filepath.Join(dir, ResumeFileName))
	if string(after) != string(before) {
		t.Fatal("the previous checkpoint changed")
	}
}

func TestLoadCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Fatalf("missing checkpoint: %v", err)
	}
	cfg, w, _, _ := checkpointFixture(t)
	// A model file is not a resume file.
	if err := net.WriteModelFile(filepath.Join(dir, ResumeFileName), cfg, w); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), "format") {
		t.Fatalf("model file as checkpoint: %v", err)
	}
	// A resume file with a stray tensor.
	meta := map[string]string{"format": resumeFormat, "retina": `{}`, "state": `{}`}
	if err := safetensors.WriteFile(filepath.Join(dir, ResumeFileName), meta, []safetensors.Tensor{safetensors.F32("x", []int{1}, []float32{1})}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCheckpoint(dir); err == nil {
		t.Fatal("garbage checkpoint accepted")
	}
}

func TestLogResumeKeepsRowsUpToCheckpoint(t *testing.T) {
	dir := t.TempDir()
	l, err := openLog(dir, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	for s := 1; s <= 6; s++ {
		l.add(stepRow(1, s, 0.1, Loss{Total: float64(s)}, 1))
	}
	l.add(validationRow(1, 6, 0.5, 0.7))
	l.close()
	// A crash can cut a line short.
	f, _ := os.OpenFile(filepath.Join(dir, LogFileName), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("2,7,0.1,0.3")
	f.Close()
	l, err = openLog(dir, true, 4)
	if err != nil {
		t.Fatal(err)
	}
	l.close()
	rows, _ := readLog(filepath.Join(dir, LogFileName))
	if len(rows) != 4 || rows[3].Step != 4 || rows[3].Loss != 4 || !math.IsNaN(rows[0].ValAP) {
		t.Fatalf("rows after resume at step 4: %+v", rows)
	}
}

func TestWithClassesFreshPriorHead(t *testing.T) {
	cfg := loopTinyConfig(3)
	w, _ := net.InitialWeights(cfg, 4)
	// Mark the old head so a kept tensor can be told from a fresh one.
	for i := range w[clsLogitsBias].Data {
		w[clsLogitsBias].Data[i] = 7
	}
	nc, nw, err := WithClasses(cfg, w, 5, []string{"a", "b", "c", "d", "e"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	a := nc.AnchorsPerCell()
	if got := nw[clsLogitsWeight].Shape[0]; got != 5*a || nc.NumClasses != 5 {
		t.Fatalf("class head has %d outputs, want %d", got, 5*a)
	}
	prior := float32(-math.Log(99))
	for _, b := range nw[clsLogitsBias].Data {
		if math.Abs(float64(b-prior)) > 1e-6 {
			t.Fatalf("bias %v, want %v", b, prior)
		}
	}
	var sum, sq float64
	for _, v := range nw[clsLogitsWeight].Data {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	n := float64(len(nw[clsLogitsWeight].Data))
	if std := math.Sqrt(sq/n - (sum/n)*(sum/n)); std < 0.007 || std > 0.013 {
		t.Fatalf("class weights std %v, want about 0.01", std)
	}
	if &nw["backbone.body.conv1.weight"].Data[0] != &w["backbone.body.conv1.weight"].Data[0] {
		t.Fatal("the backbone was not kept")
	}
	if _, err := net.NewModel(nc, nw, 1); err != nil {
		t.Fatal(err)
	}
	// The same class count keeps the head.
	_, same, _ := WithClasses(cfg, w, 3, nil, 1)
	if same[clsLogitsBias].Data[0] != 7 {
		t.Fatal("the class head was replaced although the count did not change")
	}
}

func TestEdgeConfig(t *testing.T) {
	cfg := EdgeConfig(5, EdgeSize)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	specs, err := cfg.Params()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range specs {
		k := 1
		for _, d := range s.Shape {
			k *= d
		}
		n += k
	}
	if n*4 >= 8<<20 {
		t.Fatalf("edge model has %d parameters (%d bytes), over 8 MB", n, n*4)
	}
	if got := ScaledAnchorSizes(256)[0]; got[0] != 16 || got[1] != 20 || got[2] != 25 {
		t.Fatalf("P3 anchors at 256: %v", got)
	}
	if got := ScaledAnchorSizes(800)[4][0]; got != 800 {
		t.Fatalf("P7 base anchor at 800: %d", got)
	}
	if got := ScaledAnchorSizes(64)[0][0]; got != 8 {
		t.Fatalf("P3 base anchor at 64: %d (want the floor 8)", got)
	}
}
