package train

import (
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/retina-edge/retina/net"
)

func weightsEqual(t *testing.T, a, b map[string]net.Param) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d tensors vs %d", len(a), len(b))
	}
	for k, v := range a {
		w := b[k]
		for i := range v.Data {
			if math.Float32bits(v.Data[i]) != math.Float32bits(w.Data[i]) {
				t.Fatalf("%s[%d]: %v vs %v", k, i, v.Data[i], w.Data[i])
			}
		}
	}
}

func stepRows(t *testing.T, dir string) []LogRow {
	t.Helper()
	rows, err := readLog(loopFile(dir, LogFileName))
	if err != nil {
		t.Fatal(err)
	}
	var out []LogRow
	for _, r := range rows {
		if !r.IsValidation() {
			out = append(out, r)
		}
	}
	return out
}

// An uninterrupted run and a run cut mid-epoch and resumed give
// bit-identical weights and the same loss curve.
func TestResumeIsExact(t *testing.T) {
	for _, opt := range []OptimizerConfig{DefaultSGD(), DefaultAdamW()} {
		t.Run(opt.Kind, func(t *testing.T) {
			run := loopRun(2, opt)
			whole, cut := t.TempDir(), t.TempDir()
			trA, nA := loopTrainer(t, run, false, whole)
			sumA, err := trainUntil(t, trA, 0)
			if err != nil {
				t.Fatal(err)
			}
			if sumA.Steps != 6 { // 8 images, batch 3: 3 batches x 2 epochs
				t.Fatalf("%d steps, want 6", sumA.Steps)
			}
			trB, _ := loopTrainer(t, run, false, cut)
			if _, err := trainUntil(t, trB, 2); err == nil || !strings.Contains(err.Error(), "interrupted at step 2") {
				t.Fatalf("cancelled run: %v", err)
			}
			trC, nC := loopResumed(t, cut)
			sumC, err := trainUntil(t, trC, 0)
			if err != nil {
				t.Fatal(err)
			}
			if sumC.Steps != 6 || sumC.LastLoss != sumA.LastLoss {
				t.Fatalf("resumed run: %d steps, last loss %v; uninterrupted %d, %v", sumC.Steps, sumC.LastLoss, sumA.Steps, sumA.LastLoss)
			}
			weightsEqual(t, nA.Weights(), nC.Weights())
			ra, rc := stepRows(t, whole), stepRows(t, cut)
			if len(ra) != 6 || !slices.EqualFunc(ra, rc, func(a, b LogRow) bool { return slices.Equal(a.record(), b.record()) }) {
				t.Fatalf("loss curves differ:\n%v\n%v", ra, rc)
			}
			// The final model is a normal model file.
			m, err := net.LoadModelFile(sumC.Model, 1)
			if err != nil {
				t.Fatal(err)
			}
			m.Close()
		})
	}
}

// nanNetwork makes step `at` report a non-finite loss, as the real network does.
type nanNetwork struct {
	*Network
	at, n int
}

func (s *nanNetwork) Step(b *Batch) (Loss, error) {
	s.n++
	l, err := s.Network.Step(b)
	if s.n == s.at {
		l.Total = math.NaN()
		return l, errors.New("train: loss is not finite")
	}
	return l, err
}

func TestNonFiniteLossStopsAndKeepsCheckpoint(t *testing.T) {
	run := loopRun(2, DefaultSGD())
	run.CheckpointEvery = 2
	dir := t.TempDir()
	tr, n := loopTrainer(t, run, false, dir)
	tr.net = &nanNetwork{Network: n, at: 5}
	_, err := tr.Train(context.Background())
	if !errors.Is(err, ErrNotFinite) || !strings.Contains(err.Error(), "step 5 (epoch 2)") ||
		!strings.Contains(err.Error(), "untouched") {
		t.Fatalf("error %v, want a non-finite loss at step 5", err)
	}
	if _, err := os.Stat(loopFile(dir, ModelFileName)); !os.IsNotExist(err) {
		t.Fatalf("a final model was written: %v", err)
	}
	ck, err := LoadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ck.State.Iter != 4 || ck.State.Epoch != 1 || ck.State.Batch != 1 {
		t.Fatalf("checkpoint at %+v, want step 4 (epoch 1, batch 1)", ck.State)
	}
	// The failed step updated nothing: the network still holds the
	// checkpoint's weights.
	weightsEqual(t, ck.Weights, n.Weights())
	assertNoTempFiles(t, dir)
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestTrainWithValidationWritesLogAndCallsLogUpdated(t *testing.T) {
	dir := t.TempDir()
	tr, _ := loopTrainer(t, loopRun(1, DefaultSGD()), true, dir)
	var reports []EpochReport
	tr.EpochDone = func(r EpochReport) { reports = append(reports, r) }
	var logged [][]LogRow
	tr.LogUpdated = func(rows []LogRow) error {
		if _, err := os.Stat(loopFile(dir, ResumeFileName)); err != nil {
			t.Errorf("the log hook ran before the epoch's checkpoint: %v", err)
		}
		logged = append(logged, rows)
		return nil
	}
	sum, err := tr.Train(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || !(reports[0].ValAP >= 0 && reports[0].ValAP <= 1) || reports[0].ValAP50 < reports[0].ValAP {
		t.Fatalf("epoch reports %+v", reports)
	}
	if sum.ValAP != reports[0].ValAP {
		t.Fatalf("summary AP %v, epoch %v", sum.ValAP, reports[0].ValAP)
	}
	rows, err := readLog(loopFile(dir, LogFileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !rows[3].IsValidation() || rows[3].Step != 3 || rows[0].LR >= rows[1].LR {
		t.Fatalf("log rows %+v", rows)
	}
	sameRows := func(a, b LogRow) bool { return slices.Equal(a.record(), b.record()) }
	if len(logged) != 1 || !slices.EqualFunc(logged[0], rows, sameRows) {
		t.Fatalf("LogUpdated got %+v, the log holds %+v", logged, rows)
	}
	assertNoTempFiles(t, dir)
}

func TestTrainerErrors(t *testing.T) {
	ds := loopSynthSet(t)
	cfg := loopTinyConfig(len(ds.Classes))
	w, _ := net.InitialWeights(cfg, 1)
	n, err := NewNetwork(cfg, w, Options{Threads: 1, FocalAlpha: 0.25, FocalGamma: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	for name, mod := range map[string]func(*Run){
		"epochs":    func(r *Run) { r.Epochs = 0 },
		"lr":        func(r *Run) { r.Schedule.Base = -1 },
		"optimizer": func(r *Run) { r.Optimizer.Kind = "lbfgs" },
		"batch":     func(r *Run) { r.Data.BatchSize = 0 },
		"size":      func(r *Run) { r.Data.MinSize = 8 },
		"clip":      func(r *Run) { r.ClipNorm = math.NaN() },
	} {
		run := loopRun(1, DefaultSGD())
		mod(&run)
		if _, err := NewTrainer(n, cfg, run, ds, nil, t.TempDir()); err == nil {
			t.Errorf("%s: bad run accepted", name)
		}
	}
	small := cfg
	small.NumClasses = 2
	if _, err := NewTrainer(n, small, loopRun(1, DefaultSGD()), ds, nil, t.TempDir()); err == nil {
		t.Error("a model with fewer classes than the data accepted")
	}
}
