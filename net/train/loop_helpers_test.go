package train

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/synth"
)

// loopTinyConfig is a network small enough for a step to take milliseconds.
func loopTinyConfig(numClasses int) net.Config {
	return net.Config{
		Backbone: "custom", Block: "basic", Layers: [4]int{1, 1, 1, 1},
		StemWidth: 8, Widths: [4]int{8, 8, 8, 16}, FPNWidth: 16, HeadConvs: 1, NumClasses: numClasses,
		AnchorSizes: ScaledAnchorSizes(64), AspectRatios: net.DefaultAspectRatios(),
		MinSize: 64, MaxSize: 64, ImageMean: net.ImageNetMean, ImageStd: net.ImageNetStd,
	}
}

var (
	synthOnce sync.Once
	synthDir  string
	synthErr  error
)

// loopSynthSet is net/synth's 8 images of 64 x 64 in VOC form, made once per
// test binary (in a folder that outlives the first test).
func loopSynthSet(t *testing.T) *dataset.Dataset {
	t.Helper()
	synthOnce.Do(func() {
		synthDir, synthErr = osMkdirTemp()
		if synthErr == nil {
			synthErr = synth.Generate(synthDir, synth.Options{N: 8, Size: 64, Seed: 3, Format: dataset.FormatVOC})
		}
	})
	if synthErr != nil {
		t.Fatal(synthErr)
	}
	ds, err := dataset.Load(synthDir, dataset.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func loopRun(epochs int, opt OptimizerConfig) Run {
	return Run{
		Epochs: epochs, Optimizer: opt,
		Schedule: Schedule{Kind: ScheduleCosine, Base: 0.01, WarmupIters: 3, WarmupFactor: 0.1},
		ClipNorm: 10,
		Data: DataOptions{BatchSize: 3, MinSize: 64, MaxSize: 64, Mean: net.ImageNetMean, Std: net.ImageNetStd,
			Augment: dataset.DefaultAugment, Seed: 11, Workers: 2},
		Network: Options{Threads: 1, FreezeBackbone: -1, FocalAlpha: 0.25, FocalGamma: 2, BoxLoss: BoxLossL1},
	}
}

// loopTrainer builds a fresh tiny network and a trainer writing into out.
func loopTrainer(t *testing.T, run Run, val bool, out string) (*Trainer, *Network) {
	t.Helper()
	ds := loopSynthSet(t)
	cfg := loopTinyConfig(len(ds.Classes))
	w, err := net.InitialWeights(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNetwork(cfg, w, run.Network)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	var vs *dataset.Dataset
	if val {
		vs = ds
	}
	tr, err := NewTrainer(n, cfg, run, ds, vs, out)
	if err != nil {
		t.Fatal(err)
	}
	return tr, n
}

// loopResumed builds the network and trainer of a checkpoint in dir.
func loopResumed(t *testing.T, dir string) (*Trainer, *Network) {
	t.Helper()
	ck, err := LoadCheckpoint(dir)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNetwork(ck.Config, ck.Weights, ck.State.Run.Network)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	ds := loopSynthSet(t)
	tr, err := NewTrainer(n, ck.Config, ck.State.Run, ds, nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Resume(ck); err != nil {
		t.Fatal(err)
	}
	return tr, n
}

// trainUntil runs tr and cancels it after step stop (0: run to the end).
func trainUntil(t *testing.T, tr *Trainer, stop int) (Summary, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if stop > 0 {
		tr.Progress = func(r StepReport) {
			if r.Step == stop {
				cancel()
			}
		}
	}
	return tr.Train(ctx)
}

func loopFile(dir, name string) string { return filepath.Join(dir, name) }
