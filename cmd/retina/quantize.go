package main

import (
	"fmt"
	"io"

	"github.com/retina-edge/retina"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/quant"
)

const quantizeHelp = `Quantize a float model to int8 (TFLite's scheme: per-channel int8 weights with the batch
norms folded, per-tensor int8 activations, int32 biases; the FPN outputs and the head convs have
parameters per pyramid level, whose ranges differ widely). The calibration images run through the
float model, preprocessed as detection does, and each activation's range is chosen by --rule.
The int8 file loads wherever a model does: retina detect, stream, eval and bench model --model.

--calib is a folder of .jpg/.png images, a dataset as 'retina train' reads it (COCO JSON, VOC or
YOLO folder), or 'synth' for synthetic shapes images.`

func runQuantize(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("quantize", "", stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: retina quantize [--model F] --calib PATH|synth --out Q.safetensors [--rule best|minmax|percentile|mse] [--n N]\n\n%s\n\nFlags:\n", quantizeHelp)
		fs.PrintDefaults()
	}
	model := fs.String("model", "", "float model `FILE` to quantize (default: the embedded model)")
	calib := fs.String("calib", "", "calibration images: an image folder, a dataset, or 'synth' (required)")
	out := fs.String("out", "", "int8 model `FILE` to write (required; written atomically)")
	rule := fs.String("rule", "best", "activation range rule: best (of four whole models: per activation the least-error rule, or minmax, percentile or mse everywhere, the one closest to float on the detection outputs), minmax, percentile or mse")
	n := fs.Int("n", 32, "calibration images (spread over a larger set)")
	format := fs.String("format", "", "dataset format for --calib: coco, voc or yolo (default: detected)")
	threads := fs.Int("threads", defaultThreads(), "threads for the float model")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	r, err := quant.ParseRule(*rule)
	switch {
	case *calib == "":
		return usagef("--calib PATH is required (an image folder, a dataset or 'synth')")
	case *out == "":
		return usagef("--out FILE is required")
	case err != nil:
		return usagef("--rule %q: want best, minmax, percentile or mse", *rule)
	case *n < 1 || *n > 100000:
		return usagef("--n %d: want 1..100000", *n)
	case *threads < 1 || *threads > 1024:
		return usagef("--threads %d: want 1..1024", *threads)
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	var cfg net.Config
	var weights map[string]net.Param
	if *model != "" {
		cfg, weights, err = net.ReadModelFile(*model)
	} else {
		cfg, weights, err = retina.DefaultModelWeights()
	}
	if err != nil {
		return err
	}
	return quantizeTo(*out, cfg, weights, *calib, *format, *n, r, *threads, *quiet, stdout, stderr)
}

// quantizeTo calibrates the float model on n images of calib (as --calib
// reads it), prints the report and writes the int8 model as out; retina
// distill --int8 quantizes its student through it.
func quantizeTo(out string, cfg net.Config, weights map[string]net.Param, calib, format string, n int, r quant.Rule, threads int, quiet bool, stdout, stderr io.Writer) error {
	set, err := openCalibSet(calib, format, n, cfg.MinSize)
	if err != nil {
		return err
	}
	var progress func(int)
	if !quiet {
		bar := newProgress(set.n, "calibrating", stderr)
		progress = func(done int) { bar.Set(done) }
		defer bar.Finish()
	}
	m, report, err := calibrate(cfg, weights, set, r, threads, progress)
	if err != nil {
		return err
	}
	defer m.Close()
	printReport(stdout, report)
	if err := m.WriteFile(out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: int8 %s, %s, calibrated on %s (rule %s)\n", out, cfg.Backbone, count(cfg.NumClasses, "class", "classes"), count(set.n, "image", "images"), r)
	return nil
}
