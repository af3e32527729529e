package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"

	"github.com/retina-edge/retina"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/torchimport"
	"github.com/retina-edge/retina/net/train"
)

const trainSynopsis = "train --data PATH [--val PATH] [--format coco|voc|yolo] " +
	"[--model init.safetensors | --import ckpt.pth | --backbone edge|resnet18|resnet34|resnet50] [--classes-file F] " +
	"[--epochs N] [--batch N] [--lr F] [--optimizer sgd|adamw] [--size N] [--freeze-backbone N] [--seed S] " +
	"[--val-split F] [--threads N] --out DIR [--force]\n       retina train --resume DIR [--threads N]"

// trainFlags are retina train's flags.
type trainFlags struct {
	data, val, format, classesFile   *string
	model, importPath, backbone      *string
	epochs, batch, size              *int
	freeze                           *autoInt
	lr, clip, warmupFactor           *float64
	optimizer, schedule              *string
	warmup, checkpointEvery, workers *int
	seed                             *uint64
	threads                          *int
	resume, out                      *string
	skipBad, quiet, force            *bool
	valSplit                         *float64
	boxLoss                          *string
	teacherScores, backboneWeights   *string
}

func addTrainFlags(fs *flag.FlagSet) *trainFlags {
	return &trainFlags{
		data:            fs.String("data", "", "training set: a COCO JSON, a VOC folder or a YOLO folder/data.yaml"),
		val:             fs.String("val", "", "validation set (same classes), scored with COCO AP after every epoch"),
		valSplit:        fs.Float64("val-split", 0, "without --val, hold out this fraction of --data's images (seeded by --seed, stratified by each image's rarest class) as the validation set"),
		format:          fs.String("format", "", "dataset format: coco, voc or yolo (default: detected)"),
		classesFile:     fs.String("classes-file", "", "class names, one per line (VOC/YOLO; default: from the dataset)"),
		skipBad:         fs.Bool("skip-bad", false, "skip bad annotations (reported) instead of failing"),
		model:           fs.String("model", "", "start from this retina model `FILE` (a new class count gets a fresh class head)"),
		importPath:      fs.String("import", "", "start from a torchvision RetinaNet checkpoint `FILE` (.pth)"),
		backbone:        fs.String("backbone", "", "new model from scratch: edge, resnet18, resnet34 or resnet50 (default: fine-tune the embedded default model)"),
		epochs:          fs.Int("epochs", 24, "epochs"),
		batch:           fs.Int("batch", 8, "images per step"),
		lr:              fs.Float64("lr", 0, "peak learning rate (0: 0.02 x batch/16 for sgd, 0.001 for adamw)"),
		optimizer:       fs.String("optimizer", train.OptimizerAdamW, "adamw (weight decay 0.05; learns much faster from scratch) or sgd (momentum 0.9, weight decay 1e-4)"),
		schedule:        fs.String("schedule", train.ScheduleCosine, "learning-rate schedule after warm-up: cosine (per step), step (x0.1 at 2/3 and 8/9 of the epochs) or constant"),
		warmup:          fs.Int("warmup", -1, "linear warm-up steps (-1: min(500, one epoch))"),
		warmupFactor:    fs.Float64("warmup-factor", 0.001, "warm-up's starting fraction of the learning rate"),
		clip:            fs.Float64("clip", 10, "clip the gradients' global norm to this (0: off)"),
		size:            fs.Int("size", 0, "input size: images are resized to fit a size x size square (0: 256 for edge, 512 for a new resnet, the model's own rule otherwise)"),
		freeze:          autoIntFlag(fs, "freeze-backbone", "freeze the stem and layer1..`N` (-1: nothing; default -1 from scratch, 1 when fine-tuning a model)"),
		boxLoss:         fs.String("box-loss", train.BoxLossL1, "box loss: l1, smooth_l1, giou, diou or ciou"),
		seed:            fs.Uint64("seed", 1, "seed of the initialisation, the data order and the augmentation"),
		threads:         fs.Int("threads", defaultThreads(), "threads for the network"),
		workers:         fs.Int("workers", 1, "goroutines decoding and augmenting images ahead of the step"),
		checkpointEvery: fs.Int("checkpoint-every", 0, "also write a checkpoint every N steps (0: at the end of each epoch only)"),
		resume:          fs.String("resume", "", "continue the run whose output folder is `DIR`, exactly where its last checkpoint stands"),
		out:             fs.String("out", "", "output `DIR`: model.safetensors, checkpoints, train.csv, train.png"),
		force:           fs.Bool("force", false, "train into an --out that holds another run, deleting that run's model, checkpoints, log and plot"),
		quiet:           fs.Bool("quiet", false, "no progress bar"),
		teacherScores:   fs.String("teacher-scores", "", "train each box's class logit towards its teacher's score (soft targets, quality focal loss) from this `FILE` (teacher_scores.json from retina label)"),
		backboneWeights: fs.String("backbone-weights", "", "with --backbone resnet18/34/50: initialise the backbone from this torchvision ImageNet classification checkpoint `FILE` (.pth; fc ignored)"),
	}
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return trainWithArgs(ctx, args, stdout, stderr)
}

// trainWithArgs is retina train on a command line, stopped by ctx (with a
// checkpoint written); retina distill trains through it too.
func trainWithArgs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train", trainSynopsis, stderr)
	f := addTrainFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *f.threads < 1 || *f.threads > 1024 {
		return usagef("--threads %d: want 1..1024", *f.threads)
	}
	var job *trainJob
	var err error
	if *f.resume != "" {
		job, err = resumeJob(fs, f)
	} else {
		job, err = newJob(f)
	}
	if err != nil {
		return err
	}
	defer job.net.Close()
	return job.run(ctx, *f.quiet, stdout, stderr)
}

// trainJob is a run ready to start or continue.
type trainJob struct {
	cfg        net.Config
	net        *train.Network
	trainer    *train.Trainer
	out        string
	startEpoch int
}

// newJob sets up a run from the flags.
func newJob(f *trainFlags) (*trainJob, error) {
	if *f.data == "" || *f.out == "" {
		return nil, usagef("--data and --out are required (or --resume DIR)")
	}
	if n := countSet(*f.model != "", *f.importPath != ""); n > 1 {
		return nil, usagef("--model and --import exclude each other")
	}
	if *f.valSplit != 0 && *f.val != "" {
		return nil, usagef("--val-split holds out part of --data as the validation set; with --val there is one already")
	}
	if !*f.force {
		if err := refuseExistingRun(*f.out); err != nil {
			return nil, err
		}
	}
	run, err := runFromFlags(f)
	if err != nil {
		return nil, err
	}
	trainSet, valSet, err := loadSets(*f.data, *f.val, *f.format, *f.classesFile, *f.skipBad, *f.valSplit, *f.seed)
	if err != nil {
		return nil, err
	}
	if err := applyTeacherScores(*f.teacherScores, trainSet); err != nil {
		return nil, err
	}
	cfg, weights, fromScratch, err := initialModel(f, trainSet.Classes)
	if err != nil {
		return nil, err
	}
	if !f.freeze.set {
		run.Network.FreezeBackbone = 1
		if fromScratch {
			run.Network.FreezeBackbone = -1
		}
	}
	run.Data.MinSize, run.Data.MaxSize = cfg.MinSize, cfg.MaxSize
	run.Data.Mean, run.Data.Std = cfg.ImageMean, cfg.ImageStd
	run.Sources = map[string]string{"data": abs(*f.data), "val": abs(*f.val), "format": *f.format,
		"classes_file": abs(*f.classesFile), "skip_bad": fmt.Sprint(*f.skipBad), "val_split": fmt.Sprint(*f.valSplit),
		"teacher_scores": abs(*f.teacherScores)}
	if *f.warmup < 0 {
		run.Schedule.WarmupIters = min(500, (len(trainSet.Samples)+*f.batch-1) / *f.batch)
	}
	if run.Schedule.Kind == train.ScheduleStep {
		run.Schedule.Milestones = stepMilestones(run.Epochs)
	}
	job, err := buildJob(cfg, weights, run, trainSet, valSet, *f.out, nil, *f.threads)
	if err != nil {
		return nil, err
	}
	if *f.force {
		if err := removeRun(*f.out); err != nil {
			job.net.Close()
			return nil, err
		}
	}
	return job, nil
}

// resumeJob sets up the continuation of the run in --resume DIR.
func resumeJob(fs *flag.FlagSet, f *trainFlags) (*trainJob, error) {
	var extra []string
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "resume", "threads", "quiet", "out", "workers":
		default:
			extra = append(extra, "--"+fl.Name)
		}
	})
	if len(extra) > 0 {
		return nil, usagef("--resume continues with the run's own settings; %v cannot change them", extra)
	}
	if *f.out != "" && filepath.Clean(*f.out) != filepath.Clean(*f.resume) {
		return nil, usagef("--out %s differs from --resume %s: a run continues in its own folder", *f.out, *f.resume)
	}
	ck, err := train.LoadCheckpoint(*f.resume)
	if err != nil {
		return nil, err
	}
	run := ck.State.Run
	src := run.Sources
	split, _ := strconv.ParseFloat(src["val_split"], 64) // absent in runs from before --val-split: 0
	trainSet, valSet, err := loadSets(src["data"], src["val"], src["format"], src["classes_file"], src["skip_bad"] == "true", split, run.Data.Seed)
	if err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	if err := applyTeacherScores(src["teacher_scores"], trainSet); err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	run.Network.Threads = *f.threads
	if isSet(fs, "workers") {
		run.Data.Workers = *f.workers
	}
	return buildJob(ck.Config, ck.Weights, run, trainSet, valSet, *f.resume, ck, *f.threads)
}

func buildJob(cfg net.Config, weights map[string]net.Param, run train.Run, trainSet, valSet *dataset.Dataset, out string, ck *train.Checkpoint, threads int) (*trainJob, error) {
	run.Network.Threads = threads
	n, err := train.NewNetwork(cfg, weights, run.Network)
	if err != nil {
		return nil, err
	}
	tr, err := train.NewTrainer(n, cfg, run, trainSet, valSet, out)
	if err != nil {
		n.Close()
		return nil, err
	}
	tr.ValThreads = threads
	tr.LogUpdated = func(rows []train.LogRow) error { return plotTrainLog(rows, filepath.Join(out, train.PlotFileName)) }
	job := &trainJob{cfg: cfg, net: n, trainer: tr, out: out}
	if ck != nil {
		if err := tr.Resume(ck); err != nil {
			n.Close()
			return nil, fmt.Errorf("resume %s: %w", out, err)
		}
		job.startEpoch = ck.State.Epoch
	}
	return job, nil
}

// runFromFlags turns the optimisation flags into a train.Run.
func runFromFlags(f *trainFlags) (train.Run, error) {
	var run train.Run
	if *f.epochs < 1 || *f.epochs > 100000 {
		return run, usagef("--epochs %d: want 1..100000", *f.epochs)
	}
	if *f.batch < 1 || *f.batch > 1024 {
		return run, usagef("--batch %d: want 1..1024", *f.batch)
	}
	if *f.size != 0 && (*f.size < 32 || *f.size > 4096) {
		return run, usagef("--size %d: want 32..4096", *f.size)
	}
	if f.freeze.v < -1 || f.freeze.v > 4 {
		return run, usagef("--freeze-backbone %d: want -1..4", f.freeze.v)
	}
	if *f.workers < 1 || *f.workers > 64 {
		return run, usagef("--workers %d: want 1..64", *f.workers)
	}
	if *f.checkpointEvery < 0 {
		return run, usagef("--checkpoint-every %d is negative", *f.checkpointEvery)
	}
	switch *f.optimizer {
	case train.OptimizerSGD:
		run.Optimizer = train.DefaultSGD()
	case train.OptimizerAdamW:
		run.Optimizer = train.DefaultAdamW()
	default:
		return run, usagef("--optimizer %q: want sgd or adamw", *f.optimizer)
	}
	lr := *f.lr
	if lr == 0 {
		lr = 0.02 * float64(*f.batch) / 16
		if run.Optimizer.Kind == train.OptimizerAdamW {
			lr = 0.001
		}
	}
	if !(lr > 0) || math.IsInf(lr, 0) {
		return run, usagef("--lr %g must be positive", lr)
	}
	switch *f.schedule {
	case train.ScheduleCosine, train.ScheduleStep, train.ScheduleConstant:
	default:
		return run, usagef("--schedule %q: want cosine, step or constant", *f.schedule)
	}
	run.Epochs = *f.epochs
	run.Schedule = train.Schedule{Kind: *f.schedule, Base: lr, WarmupIters: max(0, *f.warmup), WarmupFactor: *f.warmupFactor, Gamma: 0.1}
	run.ClipNorm = *f.clip
	run.CheckpointEvery = *f.checkpointEvery
	run.Data = train.DataOptions{BatchSize: *f.batch, Augment: dataset.DefaultAugment, Seed: *f.seed, Workers: *f.workers}
	opts := train.DefaultOptions()
	opts.FreezeBackbone = f.freeze.v
	opts.BoxLoss = *f.boxLoss
	run.Network = opts
	return run, nil
}

// stepMilestones drops the rate at 2/3 and 8/9 of the run, as torchvision's
// 26-epoch recipe does at epochs 16 and 22.
func stepMilestones(epochs int) []int {
	var ms []int
	for _, m := range []int{epochs * 2 / 3, epochs * 8 / 9} {
		if m >= 1 && m < epochs && !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	return ms
}

// loadSets reads the training set and, when named, the validation set with
// the training set's class names; or, with valSplit > 0, holds out that
// fraction of the training set (seeded) as the validation set.
func loadSets(data, val, format, classesFile string, skipBad bool, valSplit float64, seed uint64) (*dataset.Dataset, *dataset.Dataset, error) {
	opts := dataset.LoadOptions{Format: format, SkipBad: skipBad}
	switch format {
	case "", dataset.FormatCOCO, dataset.FormatVOC, dataset.FormatYOLO:
	default:
		return nil, nil, usagef("--format %q: want coco, voc or yolo", format)
	}
	if classesFile != "" {
		names, err := readLabels(classesFile)
		if err != nil {
			return nil, nil, err
		}
		opts.Classes = names
	}
	ds, err := dataset.Load(data, opts)
	if err != nil {
		return nil, nil, err
	}
	if len(ds.Samples) == 0 || len(ds.Classes) == 0 {
		return nil, nil, fmt.Errorf("%s: no images or no classes to train on", data)
	}
	if valSplit != 0 {
		train, held, err := ds.Split(valSplit, seed)
		if err != nil {
			return nil, nil, usagef("--val-split: %s: %v", data, err)
		}
		return train, held, nil
	}
	if val == "" {
		return ds, nil, nil
	}
	opts.Classes = ds.Classes
	vs, err := dataset.Load(val, opts)
	if err != nil {
		return nil, nil, err
	}
	if !slices.Equal(vs.Classes, ds.Classes) {
		return nil, nil, fmt.Errorf("%s: classes %v differ from the training set's %v", val, vs.Classes, ds.Classes)
	}
	if len(vs.Samples) == 0 {
		return nil, nil, fmt.Errorf("%s: the validation set has no images", val)
	}
	return ds, vs, nil
}

// initialModel is the starting configuration and weights: a model file, an
// imported checkpoint or a fresh backbone, with the dataset's classes.
func initialModel(f *trainFlags, classes []string) (net.Config, map[string]net.Param, bool, error) {
	var cfg net.Config
	var weights map[string]net.Param
	scratch := false
	switch {
	case *f.model != "":
		c, w, err := net.ReadModelFile(*f.model)
		if err != nil {
			return cfg, nil, false, err
		}
		cfg, weights = c, w
	case *f.importPath != "":
		c, w, err := torchimport.ImportFile(*f.importPath, torchimport.Options{})
		if err != nil {
			return cfg, nil, false, err
		}
		cfg, weights = c, w
	case *f.backbone == "":
		c, w, err := retina.DefaultModelWeights()
		if err != nil {
			return cfg, nil, false, err
		}
		cfg, weights = c, w
	default:
		scratch = true
		size := *f.size
		if *f.backbone == train.EdgeBackbone {
			if size == 0 {
				size = train.EdgeSize
			}
			cfg = train.EdgeConfig(len(classes), size)
		} else {
			c, ok := net.ResNetConfig(*f.backbone, len(classes))
			if !ok {
				return cfg, nil, false, usagef("--backbone %q: want edge, resnet18, resnet34 or resnet50", *f.backbone)
			}
			if size == 0 {
				size = 512
			}
			c.AnchorSizes = train.ScaledAnchorSizes(size)
			cfg = c
		}
		cfg.MinSize, cfg.MaxSize = size, size
		w, err := net.InitialWeights(cfg, int64(*f.seed))
		if err != nil {
			return cfg, nil, false, err
		}
		weights = w
		if *f.backboneWeights != "" {
			// A pretrained backbone: fine-tuned as torchvision does (the
			// stem and layer1 frozen by default), not trained from scratch.
			if err := loadBackboneWeights(*f.backboneWeights, cfg, weights); err != nil {
				return cfg, nil, false, err
			}
			scratch = false
		}
	}
	if *f.backboneWeights != "" && (*f.backbone == "" || *f.backbone == train.EdgeBackbone) {
		return cfg, nil, false, usagef("--backbone-weights initialises a --backbone resnet18, resnet34 or resnet50")
	}
	if !scratch && *f.size != 0 {
		cfg.MinSize, cfg.MaxSize = *f.size, *f.size
	}
	cfg, weights, err := train.WithClasses(cfg, weights, len(classes), classes, int64(*f.seed))
	if err != nil {
		return cfg, nil, false, err
	}
	return cfg, weights, scratch, nil
}

// run trains with a progress bar and prints a summary per epoch.
func (j *trainJob) run(ctx context.Context, quiet bool, stdout, stderr io.Writer) error {
	var bar *progress
	if !quiet {
		j.trainer.Progress = func(r train.StepReport) {
			if bar == nil {
				bar = newProgress(r.Batches, "", stderr)
			}
			bar.Describe(fmt.Sprintf("epoch %d/%d loss %.4f (cls %.4f box %.4f) lr %.2g %.1f img/s",
				r.Epoch, r.Epochs, r.Loss.Total, r.Loss.Class, r.Loss.Box, r.LR, r.ImagesPerSecond))
			bar.Set(r.Batch)
		}
	}
	j.trainer.EpochDone = func(r train.EpochReport) {
		if bar != nil {
			bar.Finish()
			bar = nil
		}
		line := fmt.Sprintf("epoch %d/%d step %d mean loss %.4f", r.Epoch, r.Epochs, r.Step, r.MeanLoss)
		if !math.IsNaN(r.ValAP) {
			line += fmt.Sprintf(" val AP %.4f AP50 %.4f", r.ValAP, r.ValAP50)
		}
		fmt.Fprintln(stdout, line)
	}
	sum, err := j.trainer.Train(ctx)
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s; log %s, plot %s)\n", sum.Model, count(sum.Steps, "step", "steps"),
		filepath.Join(j.out, train.LogFileName), filepath.Join(j.out, train.PlotFileName))
	return nil
}

func countSet(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func abs(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
