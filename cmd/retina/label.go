package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/retina-edge/retina/net/dataset"
)

const labelSynopsis = "label [--model BIG] --data FRAMES --out DATASET [--format coco|voc|yolo] [--classes person,car,...] " +
	"[--score-threshold F] [--flip [--fuse wbf|nms]] [--threads N]"

const labelHelp = `Label frames with a model's detections: the result is a normal dataset (the frames copied into it,
the detections as annotations) that 'retina train --data' reads and a labelling tool opens, plus
teacher_scores.json (each box's score, for training with soft targets) and, for COCO,
teacher_detections.json (the same boxes as COCO results, for 'retina eval --gt --dt').

FRAMES is ` + labelFramesHelp + `. A run that is stopped resumes where it was:
frames already labelled with the same settings are not run again.`

// labelFlags are the flags of retina label that distill shares.
type labelFlags struct {
	format, classes, fuse *string
	flip                  *bool
	det                   *detectFlags
}

// labelScoreThresh is label's default score threshold: the boxes become
// ground truth, so only confident ones.
const labelScoreThresh = 0.5

func addLabelFlags(fs interface {
	String(string, string, string) *string
	Bool(string, bool, string) *bool
	Float64(string, float64, string) *float64
	Int(string, int, string) *int
}) *labelFlags {
	return &labelFlags{
		format:  fs.String("format", dataset.FormatCOCO, "dataset format to write: coco, voc or yolo"),
		classes: fs.String("classes", "", "comma-separated class names to keep, numbered in this order (default: all the model's named classes)"),
		flip:    fs.Bool("flip", false, "also run the mirror image (horizontal-flip test-time augmentation) and merge the two"),
		fuse:    fs.String("fuse", fuseWBF, "with --flip, how to merge: wbf (weighted box fusion) or nms"),
		det:     addDetectFlags(fs, labelScoreThresh),
	}
}

// options checks the flags and resolves them into labelOptions.
func (f *labelFlags) options() (labelOptions, error) {
	o := labelOptions{format: *f.format, flip: *f.flip, fuse: *f.fuse}
	switch o.format {
	case dataset.FormatCOCO, dataset.FormatVOC, dataset.FormatYOLO:
	default:
		return o, usagef("--format %q: want coco, voc or yolo", o.format)
	}
	if o.fuse != fuseWBF && o.fuse != fuseNMS {
		return o, usagef("--fuse %q: want wbf or nms", o.fuse)
	}
	if *f.classes != "" {
		for _, c := range strings.Split(*f.classes, ",") {
			if c = strings.TrimSpace(c); c != "" {
				o.classes = append(o.classes, c)
			}
		}
		if len(o.classes) == 0 {
			return o, usagef("--classes %q names no class", *f.classes)
		}
	}
	det, err := f.det.options()
	if err != nil {
		return o, err
	}
	o.detect = det
	return o, nil
}

func runLabel(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("label", labelSynopsis, stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: retina %s\n\n%s\n\nFlags:\n", labelSynopsis, labelHelp)
		fs.PrintDefaults()
	}
	mf := addModelFlags(fs)
	lf := addLabelFlags(fs)
	data := fs.String("data", "", "the frames to label: "+labelFramesHelp)
	out := fs.String("out", "", "dataset `DIR` to write (created; a run stopped half-way continues in it)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *data == "" || *out == "" {
		return usagef("--data FRAMES and --out DATASET are required")
	}
	opts, err := lf.options()
	if err != nil {
		return err
	}
	opts.frames, opts.out, opts.quiet = *data, *out, *quiet
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := labelWithModel(ctx, mf, opts, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, res.summary())
	return nil
}
