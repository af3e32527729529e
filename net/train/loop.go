package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
)

// Run is a training run's settings: with the data, everything that decides
// what the run computes. It is saved in every checkpoint, so that a resumed
// run continues with exactly the same ones.
type Run struct {
	Epochs    int             `json:"epochs"`
	Optimizer OptimizerConfig `json:"optimizer"`
	// Schedule.TotalIters (cosine) is filled in from Epochs when 0.
	Schedule Schedule `json:"schedule"`
	// ClipNorm clips the gradients' global 2-norm (0: no clipping).
	ClipNorm float64 `json:"clip_norm"`
	// CheckpointEvery writes a checkpoint every so many steps, besides the
	// one at the end of each epoch (0: only those).
	CheckpointEvery int         `json:"checkpoint_every"`
	Data            DataOptions `json:"data"`
	Network         Options     `json:"network"`
	// Sources records where the data came from (for --resume; the loop
	// itself does not read it).
	Sources map[string]string `json:"sources,omitempty"`
}

// Check reports settings a run cannot follow.
func (r *Run) Check() error {
	if r.Epochs < 1 || r.Epochs > 100000 {
		return fmt.Errorf("train: %d epochs: want 1..100000", r.Epochs)
	}
	if err := r.Optimizer.check(); err != nil {
		return err
	}
	if err := r.Schedule.Check(); err != nil {
		return err
	}
	if !(r.ClipNorm >= 0) || math.IsInf(r.ClipNorm, 0) {
		return fmt.Errorf("train: gradient clipping norm %g must be >= 0", r.ClipNorm)
	}
	if r.CheckpointEvery < 0 {
		return fmt.Errorf("train: checkpoint every %d steps is negative", r.CheckpointEvery)
	}
	return nil
}

// stepper is what the loop needs of a network; *Network is one.
type stepper interface {
	Params() []*Param
	ZeroGrad()
	Step(*Batch) (Loss, error)
	Weights() map[string]net.Param
}

// StepReport is what a Trainer tells its Progress callback after each step.
type StepReport struct {
	Epoch, Epochs    int // 1-based
	Batch, Batches   int // batches done in this epoch, of
	Step, TotalSteps int // optimizer steps done, of
	Images           int // images in this step's batch
	LR               float64
	Loss             Loss
	GradNorm         float64
	ImagesPerSecond  float64 // over this run so far (since start or resume)
}

// EpochReport is what a Trainer tells its EpochDone callback.
type EpochReport struct {
	Epoch, Epochs  int
	Step           int
	MeanLoss       float64 // over the epoch's steps taken in this process
	ValAP, ValAP50 float64 // NaN without a validation set
}

// Trainer runs the loop: batches, steps, schedule, validation, checkpoints
// and the log.
type Trainer struct {
	net    stepper
	cfg    net.Config
	run    Run
	train  *Loader
	val    *dataset.Dataset
	out    string
	opt    *Optimizer
	state  State
	resume bool

	// Progress, when set, is called after every step.
	Progress func(StepReport)
	// EpochDone, when set, is called after every epoch's validation.
	EpochDone func(EpochReport)
	// LogUpdated, when set, is called after every epoch's checkpoint with
	// the log's rows so far (those of train.csv); the caller draws its plot
	// (PlotFileName) from them, keeping plotting out of this package. Its
	// error stops the run.
	LogUpdated func(rows []LogRow) error
	// ValThreads is the GEMM threads of the validation model (< 1: 1).
	ValThreads int
}

// NewTrainer prepares a run of network n (configuration cfg) on the
// training set, validating on val (nil: no validation) and writing into
// the folder out, which is created when missing.
func NewTrainer(n stepper, cfg net.Config, run Run, trainSet, val *dataset.Dataset, out string) (*Trainer, error) {
	if run.Schedule.Kind == ScheduleCosine && run.Schedule.TotalIters == 0 {
		run.Schedule.TotalIters = run.Epochs * max(1, (len(trainSet.Samples)+run.Data.BatchSize-1)/max(1, run.Data.BatchSize))
	}
	if err := run.Check(); err != nil {
		return nil, err
	}
	loader, err := NewLoader(trainSet, run.Data)
	if err != nil {
		return nil, err
	}
	if len(trainSet.Classes) > cfg.NumClasses {
		return nil, fmt.Errorf("train: the training set has %d classes but the model %d", len(trainSet.Classes), cfg.NumClasses)
	}
	if val != nil && len(val.Classes) != len(trainSet.Classes) {
		return nil, fmt.Errorf("train: the validation set has %d classes, the training set %d", len(val.Classes), len(trainSet.Classes))
	}
	opt, err := NewOptimizer(run.Optimizer)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	return &Trainer{net: n, cfg: cfg, run: run, train: loader, val: val, out: out, opt: opt,
		state: State{Run: run}}, nil
}

// Resume continues from a checkpoint: its optimizer state and position. The
// network must have been built from ck.Weights and the trainer from
// ck.State.Run.
func (t *Trainer) Resume(ck *Checkpoint) error {
	if err := t.opt.SetState(t.net.Params(), ck.State.OptimizerSteps, ck.optim); err != nil {
		return err
	}
	st := ck.State
	if st.Batch > t.train.Len() || (st.Batch == t.train.Len() && st.Batch > 0) {
		return fmt.Errorf("train: checkpoint is at batch %d of an epoch of %d batches: the training set has changed", st.Batch, t.train.Len())
	}
	if want := st.Epoch*t.train.Len() + st.Batch; st.Iter != want {
		return fmt.Errorf("train: checkpoint is at step %d, but epoch %d batch %d of %d-batch epochs is step %d: the training set has changed",
			st.Iter, st.Epoch, st.Batch, t.train.Len(), want)
	}
	st.Run = t.run
	t.state, t.resume = st, true
	return nil
}

// ErrNotFinite is wrapped by the error that stops a run on a loss or a
// gradient that is not finite.
var ErrNotFinite = errors.New("not finite")

// Summary is what a finished run reports.
type Summary struct {
	Steps          int
	LastLoss       float64
	ValAP, ValAP50 float64 // of the last epoch; NaN without a validation set
	Model          string  // the final model file
}

// Train runs the remaining epochs. Cancelling ctx stops it after the
// current step with a checkpoint written, so that --resume continues
// exactly. On a non-finite loss it stops without writing anything more: the
// last good checkpoint stays as it was.
func (t *Trainer) Train(ctx context.Context) (Summary, error) {
	sum := Summary{ValAP: math.NaN(), ValAP50: math.NaN(), LastLoss: math.NaN()}
	log, err := openLog(t.out, t.resume, t.state.Iter)
	if err != nil {
		return sum, err
	}
	defer log.close()
	params := t.net.Params()
	batches := t.train.Len()
	total := t.run.Epochs * batches
	start, images := time.Now(), 0
	for t.state.Epoch < t.run.Epochs {
		epoch := t.state.Epoch
		lossSum, lossN := 0.0, 0
		ectx, stop := context.WithCancel(ctx)
		feed := t.train.Prefetch(ectx, epoch, t.state.Batch, 2)
		for t.state.Batch < batches {
			if err := ctx.Err(); err != nil {
				stop()
				return sum, t.interrupted(err)
			}
			item, ok := <-feed
			if !ok || item.err != nil {
				stop()
				if item.err != nil {
					return sum, item.err
				}
				return sum, fmt.Errorf("train: epoch %d ended early at batch %d", epoch+1, t.state.Batch)
			}
			lr := t.run.Schedule.LR(t.state.Iter, epoch)
			t.net.ZeroGrad()
			loss, err := t.net.Step(item.batch)
			stepNo := t.state.Iter + 1
			if err == nil && !finite(loss.Total) {
				err = ErrNotFinite
			}
			if err != nil {
				stop()
				if !finite(loss.Total) {
					return sum, t.notFinite(stepNo, epoch, "the loss", loss)
				}
				return sum, fmt.Errorf("train: step %d (epoch %d, batch %d): %w", stepNo, epoch+1, t.state.Batch+1, err)
			}
			norm := ClipGradNorm(params, t.run.ClipNorm)
			if !finite(norm) {
				stop()
				return sum, t.notFinite(stepNo, epoch, "the gradient norm", loss)
			}
			t.opt.Step(params, lr)
			t.state.Iter, t.state.Batch = stepNo, t.state.Batch+1
			images += item.batch.N
			lossSum, lossN = lossSum+loss.Total, lossN+1
			sum.LastLoss = loss.Total
			if err := log.add(stepRow(epoch+1, stepNo, lr, loss, norm)); err != nil {
				stop()
				return sum, err
			}
			if t.Progress != nil {
				t.Progress(StepReport{Epoch: epoch + 1, Epochs: t.run.Epochs, Batch: t.state.Batch, Batches: batches,
					Step: stepNo, TotalSteps: total, Images: item.batch.N, LR: lr, Loss: loss, GradNorm: norm,
					ImagesPerSecond: float64(images) / time.Since(start).Seconds()})
			}
			if e := t.run.CheckpointEvery; e > 0 && stepNo%e == 0 && t.state.Batch < batches {
				if err := t.save(); err != nil {
					stop()
					return sum, err
				}
			}
		}
		stop()
		rep := EpochReport{Epoch: epoch + 1, Epochs: t.run.Epochs, Step: t.state.Iter, MeanLoss: lossSum / float64(max(lossN, 1)),
			ValAP: math.NaN(), ValAP50: math.NaN()}
		if t.val != nil {
			ap, ap50, err := t.validate()
			if err != nil {
				return sum, err
			}
			rep.ValAP, rep.ValAP50 = ap, ap50
			sum.ValAP, sum.ValAP50 = ap, ap50
			if err := log.add(validationRow(epoch+1, t.state.Iter, ap, ap50)); err != nil {
				return sum, err
			}
		}
		t.state.Epoch, t.state.Batch = epoch+1, 0
		if err := t.save(); err != nil {
			return sum, err
		}
		if t.LogUpdated != nil {
			if err := t.LogUpdated(slices.Clone(log.rows)); err != nil {
				return sum, err
			}
		}
		if t.EpochDone != nil {
			t.EpochDone(rep)
		}
	}
	sum.Steps = t.state.Iter
	sum.Model = filepath.Join(t.out, ModelFileName)
	if err := net.WriteModelFile(sum.Model, t.cfg, t.net.Weights()); err != nil {
		return sum, err
	}
	return sum, log.close()
}

// save writes a checkpoint of the current position.
func (t *Trainer) save() error {
	t.state.OptimizerSteps = t.opt.Steps()
	return SaveCheckpoint(t.out, t.cfg, t.net.Weights(), t.opt, t.net.Params(), t.state)
}

// interrupted saves a checkpoint at a cancelled run's position.
func (t *Trainer) interrupted(cause error) error {
	if err := t.save(); err != nil {
		return fmt.Errorf("train: interrupted at step %d and the checkpoint failed: %w", t.state.Iter, err)
	}
	return fmt.Errorf("train: interrupted at step %d (checkpoint written; continue with --resume %s): %w", t.state.Iter, t.out, cause)
}

// notFinite is the error that stops a run whose loss or gradient blew up.
func (t *Trainer) notFinite(step, epoch int, what string, l Loss) error {
	last := "no checkpoint was written yet"
	if ck, err := os.Stat(filepath.Join(t.out, ResumeFileName)); err == nil && !ck.IsDir() {
		last = "the last good checkpoint, " + filepath.Join(t.out, ResumeFileName) + ", is untouched"
	}
	return fmt.Errorf("train: step %d (epoch %d): %s is %w (class loss %g, box loss %g); stopped without updating the weights; %s (lower --lr or use gradient clipping)",
		step, epoch+1, what, ErrNotFinite, l.Class, l.Box, last)
}

// validate scores the current weights on the validation set.
func (t *Trainer) validate() (ap, ap50 float64, err error) {
	m, err := net.NewModel(t.cfg, t.net.Weights(), max(1, t.ValThreads))
	if err != nil {
		return 0, 0, err
	}
	defer m.Close()
	res, err := Evaluate(m, t.val, t.run.Data.MaxPixels)
	if err != nil {
		return 0, 0, fmt.Errorf("validation: %w", err)
	}
	return res.Stats[0], res.Stats[1], nil
}
