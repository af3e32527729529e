package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/retina-edge/retina/net/synth"
)

func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("synth", "synth --out DIR [--n 1000] [--size 256] [--seed S] [--format coco|voc|yolo]", stderr)
	out := fs.String("out", "", "new dataset `DIR` (must not exist or be empty)")
	n := fs.Int("n", 1000, "number of images")
	size := fs.Int("size", 256, "image side in pixels")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	format := fs.String("format", "coco", "annotation format: coco, voc or yolo")
	maxObjects := fs.Int("max-objects", 6, "objects per image are 0..N")
	classes := fs.String("classes", "", "comma-separated subset of "+strings.Join(synth.ShapeNames, ",")+" (default all)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	opts := synth.Options{N: *n, Size: *size, Seed: *seed, Format: *format, MaxObjects: *maxObjects}
	if *classes != "" {
		opts.Classes = strings.Split(*classes, ",")
	}
	if !*quiet {
		bar := newProgress(*n, "synth", stderr)
		opts.Progress = func(done, total int) { bar.Set(done) }
		defer bar.Finish()
	}
	if err := synth.Generate(*out, opts); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d images (%dx%d, %s) to %s\n", *n, *size, *size, *format, *out)
	return nil
}
