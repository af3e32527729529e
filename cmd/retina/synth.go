package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/retina-edge/retina/net/synth"
)

func runSynth(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("synth", "synth --out DIR [--n 1000] [--size 256] [--seed S] [--format coco|voc|yolo]\n  or: retina synth --sequence FRAMES --out DIR [--size 320] [--seed S] [--max-objects 5] [--occluders 1]", stderr)
	out := fs.String("out", "", "new dataset `DIR` (must not exist or be empty)")
	n := fs.Int("n", 1000, "number of images")
	size := fs.Int("size", 256, "image side in pixels")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	format := fs.String("format", "coco", "annotation format: coco, voc or yolo")
	maxObjects := fs.Int("max-objects", 6, "objects per image are 0..N (with --sequence: the moving shapes, default 5)")
	classes := fs.String("classes", "", "comma-separated subset of "+strings.Join(synth.ShapeNames, ",")+" (default all)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	sequence := fs.Int("sequence", 0, "write a tracking sequence of `FRAMES` frames instead (frame_0001.jpg... and MOTChallenge gt.txt): --max-objects shapes moving and crossing, --occluders posts in front")
	occluders := fs.Int("occluders", 1, "with --sequence: static posts in front of the moving shapes (0 for none)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *sequence != 0 {
		return writeSequence(fs, *out, *sequence, *size, *seed, *maxObjects, *occluders, stdout)
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

// writeSequence is synth --sequence: a tracking sequence, whose frame size
// and object count default to the sequence's own (320, 5) unless given.
func writeSequence(fs *flag.FlagSet, out string, frames, size int, seed int64, objects, occluders int, stdout io.Writer) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	opts := synth.SequenceOptions{Frames: frames, Seed: seed, Occluders: occluders}
	if opts.Occluders == 0 {
		opts.Occluders = -1 // none
	}
	if set["size"] {
		opts.Size = size
	}
	if set["max-objects"] {
		opts.Objects = objects
	}
	if frames < 0 {
		return usagef("--sequence %d: want a number of frames", frames)
	}
	if err := synth.GenerateSequence(out, opts); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d frames and gt.txt to %s\n", frames, out)
	return nil
}
