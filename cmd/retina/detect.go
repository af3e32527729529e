package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/draw"
	"github.com/retina-edge/retina/net/preprocess"
)

// maxImagePixels refuses images whose header claims more pixels than a
// small machine should decode (a decompression bomb).
const maxImagePixels = 100 << 20

// imageResult is one line of `retina detect --json`.
type imageResult struct {
	Image      string             `json:"image"`
	Width      int                `json:"width"`
	Height     int                `json:"height"`
	Detections []detect.Detection `json:"detections"`
}

func runDetect(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("detect", "detect [flags] IMAGE...", stderr)
	mf := addModelFlags(fs)
	df := addDetectFlags(fs, displayScoreThresh)
	asJSON := fs.Bool("json", false, "print one JSON object per image")
	outDir := fs.String("out", "", "write each image with its boxes drawn into `DIR`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no image given (usage: retina detect [flags] IMAGE...)")
	}
	opts, err := df.options()
	if err != nil {
		return err
	}
	det, closeModel, err := mf.detector(opts)
	if err != nil {
		return err
	}
	defer closeModel()
	if *outDir != "" {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	var errs []error
	for _, path := range fs.Args() {
		if err := detectOne(det, path, *asJSON, *outDir, stdout); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case len(errs) == 1 && fs.NArg() == 1:
		return errs[0]
	case len(errs) > 0:
		for _, err := range errs {
			fmt.Fprintf(stderr, "retina detect: %v\n", err)
		}
		return fmt.Errorf("%d of %d images failed", len(errs), fs.NArg())
	}
	return nil
}

func detectOne(det *detect.Detector, path string, asJSON bool, outDir string, stdout io.Writer) error {
	img, err := preprocess.DecodeFile(path, maxImagePixels)
	if err != nil {
		return err
	}
	dets, err := det.Detect(img)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b := img.Bounds()
	if outDir != "" {
		out := filepath.Join(outDir, outputName(path))
		if err := draw.SaveImage(out, draw.Detections(img, drawBoxes(dets))); err != nil {
			return err
		}
	}
	if asJSON {
		line, err := json.Marshal(imageResult{Image: path, Width: b.Dx(), Height: b.Dy(), Detections: nonNil(dets)})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(line))
		return nil
	}
	fmt.Fprintf(stdout, "%s (%dx%d): %s\n", path, b.Dx(), b.Dy(), count(len(dets), "detection", "detections"))
	for _, d := range dets {
		fmt.Fprintf(stdout, "  %-16s %.3f  [%.1f %.1f %.1f %.1f]\n", d.Label, d.Score, d.Box[0], d.Box[1], d.Box[2], d.Box[3])
	}
	return nil
}

// outputName keeps the image's name, with PNG for formats we cannot write.
func outputName(path string) string {
	base := filepath.Base(path)
	switch strings.ToLower(filepath.Ext(base)) {
	case ".jpg", ".jpeg", ".png":
		return base
	}
	return strings.TrimSuffix(base, filepath.Ext(base)) + ".png"
}

func drawBoxes(dets []detect.Detection) []draw.Box {
	out := make([]draw.Box, len(dets))
	for i, d := range dets {
		out[i] = draw.Box{X1: d.Box[0], Y1: d.Box[1], X2: d.Box[2], Y2: d.Box[3], Label: d.Label, Score: d.Score, Class: d.Class}
	}
	return out
}

func nonNil(d []detect.Detection) []detect.Detection {
	if d == nil {
		return []detect.Detection{}
	}
	return d
}

// detectFlags are the postprocess and resize flags shared by detect,
// stream and eval.
type detectFlags struct {
	score, nms       *float64
	maxDets, topk    *int
	minSize, maxSize *int
}

// displayScoreThresh is detect's and stream's default score threshold:
// torchvision's 0.05 suits COCO evaluation (eval keeps it) but lists dozens
// of low-confidence boxes per image to a person or an MQTT topic.
const displayScoreThresh = 0.3

func addDetectFlags(fs interface {
	Float64(string, float64, string) *float64
	Int(string, int, string) *int
}, score float64) *detectFlags {
	d := detect.DefaultOptions()
	return &detectFlags{
		score:   fs.Float64("score-threshold", score, "keep detections scoring above this (torchvision uses 0.05, for evaluation)"),
		nms:     fs.Float64("nms-threshold", d.NMSThresh, "IoU above which a box of the same class is suppressed"),
		maxDets: fs.Int("max-detections", d.MaxDetections, "detections kept per image"),
		topk:    fs.Int("topk", d.TopK, "candidates kept per pyramid level before NMS"),
		minSize: fs.Int("min-size", 0, "resize so the short side is this (0: the model's)"),
		maxSize: fs.Int("max-size", 0, "but the long side at most this (0: the model's)"),
	}
}

func (f *detectFlags) options() (detect.Options, error) {
	switch {
	case *f.score < 0 || *f.score >= 1:
		return detect.Options{}, usagef("--score-threshold %g: want 0 <= t < 1", *f.score)
	case *f.nms <= 0 || *f.nms > 1:
		return detect.Options{}, usagef("--nms-threshold %g: want 0 < t <= 1", *f.nms)
	case *f.maxDets < 1 || *f.maxDets > 100000:
		return detect.Options{}, usagef("--max-detections %d: want 1..100000", *f.maxDets)
	case *f.topk < 1 || *f.topk > 1000000:
		return detect.Options{}, usagef("--topk %d: want 1..1000000", *f.topk)
	case *f.minSize != 0 && (*f.minSize < 32 || *f.minSize > 4096):
		return detect.Options{}, usagef("--min-size %d: want 32..4096", *f.minSize)
	case *f.maxSize != 0 && (*f.maxSize < 32 || *f.maxSize > 8192):
		return detect.Options{}, usagef("--max-size %d: want 32..8192", *f.maxSize)
	}
	o := detect.DefaultOptions()
	o.ScoreThresh, o.NMSThresh = float32(*f.score), *f.nms
	o.MaxDetections, o.TopK = *f.maxDets, *f.topk
	o.MinSize, o.MaxSize = *f.minSize, *f.maxSize
	return o, nil
}

// defaultThreads uses every core: detection is the machine's main job.
func defaultThreads() int { return runtime.NumCPU() }
