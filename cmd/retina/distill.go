package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/train"
	"github.com/retina-edge/retina/quant"
)

const distillSynopsis = "distill [--teacher BIG] --frames FRAMES --out DIR [--classes person,car,...] " +
	"[--student edge|resnet18|resnet34|resnet50|FILE] [--backbone-weights resnet18.pth] [--size N] [--epochs N] [--int8]"

const distillHelp = `Teach a small model what a big one sees, on your own frames, without labelling anything:
the teacher labels the frames (as 'retina label' does, cached in DIR/labels), then the student
trains on those labels (as 'retina train' does, in DIR/train) with focal loss on the teacher's
boxes and, for the class logits, the teacher's scores as soft targets (quality focal loss, Li et
al. 2020); with --int8 the student is then quantized, calibrated on the same frames.

The student is the embedded default model (a fresh class head for other classes), a new edge or
ResNet model (from scratch, or a ResNet backbone from a torchvision ImageNet checkpoint with
--backbone-weights), or a model FILE. Run the same command again to continue a run that was
stopped: frames already labelled are not run again and training resumes from its checkpoint.

FRAMES is ` + labelFramesHelp + `.`

// Paths inside a distill run's folder.
const (
	distillLabels = "labels"
	distillTrain  = "train"
	distillInt8   = "student_int8.safetensors"
)

func runDistill(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("distill", distillSynopsis, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: retina %s\n\n%s\n\nFlags:\n", distillSynopsis, distillHelp)
		fs.PrintDefaults()
	}
	teacher := &modelFlags{
		path:    fs.String("teacher", "", "teacher model `FILE` (any float model, e.g. from 'retina import'; default: the embedded model)"),
		threads: fs.Int("threads", defaultThreads(), "threads for the teacher and the student"),
	}
	lf := addLabelFlags(fs)
	frames := fs.String("frames", "", "the frames to learn from: "+labelFramesHelp)
	out := fs.String("out", "", "run `DIR`: labels/ (the teacher's dataset), train/ (checkpoints, log, plot, model.safetensors), "+distillInt8)
	student := fs.String("student", "", "student: edge, resnet18, resnet34, resnet50 (new models) or a model `FILE` (default: the embedded model)")
	backboneWeights := fs.String("backbone-weights", "", "with --student resnet18/34/50: its backbone from this torchvision ImageNet classification checkpoint `FILE`")
	size := fs.Int("size", 0, "student input size (0: 256 for edge, 512 for a resnet, the model's own otherwise)")
	epochs := fs.Int("epochs", 12, "training epochs")
	batch := fs.Int("batch", 8, "images per step")
	lr := fs.Float64("lr", 0, "peak learning rate (0: train's default)")
	seed := fs.Uint64("seed", 1, "seed of the student's initialisation, data order and augmentation")
	valSplit := fs.Float64("val-split", 0, "hold out this fraction of the labelled frames to score the student against the teacher after each epoch")
	hard := fs.Bool("hard-targets", false, "train on the teacher's boxes as hard labels only (no soft targets)")
	int8 := fs.Bool("int8", false, "also write the student quantized to int8 ("+distillInt8+"), calibrated on the frames")
	calibN := fs.Int("calib-n", 32, "with --int8: calibration frames (spread over the set)")
	quiet := fs.Bool("quiet", false, "no progress bars")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case *frames == "" || *out == "":
		return usagef("--frames FRAMES and --out DIR are required")
	case *calibN < 1 || *calibN > 100000:
		return usagef("--calib-n %d: want 1..100000", *calibN)
	case *backboneWeights != "" && !isResNet(*student):
		return usagef("--backbone-weights initialises a --student resnet18, resnet34 or resnet50")
	}
	opts, err := lf.options()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts.frames, opts.out, opts.quiet = *frames, filepath.Join(*out, distillLabels), *quiet
	labelled, err := labelWithModel(ctx, teacher, opts, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, labelled.summary())

	runDir := filepath.Join(*out, distillTrain)
	var trainArgs []string
	if _, err := os.Stat(filepath.Join(runDir, train.ResumeFileName)); err == nil {
		fmt.Fprintf(stdout, "continuing the student's training in %s with its own settings\n", runDir)
		trainArgs = []string{"--resume", runDir}
	} else {
		trainArgs = []string{"--data", labelled.data, "--out", runDir, "--force",
			"--epochs", strconv.Itoa(*epochs), "--batch", strconv.Itoa(*batch), "--seed", strconv.FormatUint(*seed, 10)}
		switch {
		case *student == "":
		case *student == train.EdgeBackbone || isResNet(*student):
			trainArgs = append(trainArgs, "--backbone", *student)
		default:
			trainArgs = append(trainArgs, "--model", *student)
		}
		if !*hard {
			trainArgs = append(trainArgs, "--teacher-scores", labelled.scores)
		}
		if *backboneWeights != "" {
			trainArgs = append(trainArgs, "--backbone-weights", *backboneWeights)
		}
		if *size != 0 {
			trainArgs = append(trainArgs, "--size", strconv.Itoa(*size))
		}
		if *lr != 0 {
			trainArgs = append(trainArgs, "--lr", strconv.FormatFloat(*lr, 'g', -1, 64))
		}
		if *valSplit != 0 {
			trainArgs = append(trainArgs, "--val-split", strconv.FormatFloat(*valSplit, 'g', -1, 64))
		}
	}
	trainArgs = append(trainArgs, "--threads", strconv.Itoa(*teacher.threads))
	if *quiet {
		trainArgs = append(trainArgs, "--quiet")
	}
	if err := trainWithArgs(ctx, trainArgs, stdout, stderr); err != nil {
		return err
	}
	if !*int8 {
		return nil
	}
	cfg, weights, err := net.ReadModelFile(filepath.Join(runDir, train.ModelFileName))
	if err != nil {
		return err
	}
	imgs := filepath.Join(opts.out, dataset.ImageDir(opts.format))
	return quantizeTo(filepath.Join(*out, distillInt8), cfg, weights, imgs, "", *calibN, quant.RuleBest, *teacher.threads, *quiet, stdout, stderr)
}

func isResNet(name string) bool {
	_, ok := net.ResNetConfig(name, 1)
	return ok
}
