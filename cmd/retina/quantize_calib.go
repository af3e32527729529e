package main

import (
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/preprocess"
	"github.com/retina-edge/retina/net/synth"
	"github.com/retina-edge/retina/quant"
)

// calibSet is the calibration images: n of them, fetched one at a time so
// that only one is decoded at once.
type calibSet struct {
	n     int
	image func(i int) (image.Image, error)
}

// synthSeed is the seed of 'synth' calibration images (any fixed one: the
// same command gives the same model).
const synthSeed = 1

// openCalibSet reads --calib: "synth" (n synthetic images of side
// synthSize), a dataset as train reads it, or a folder of .jpg/.png
// images; from a larger set, n images spread over it.
func openCalibSet(path, format string, n, synthSize int) (*calibSet, error) {
	if path == "synth" {
		opts := synth.Options{Size: min(max(synthSize, 32), 4096), Seed: synthSeed, N: n}
		return &calibSet{n: n, image: func(i int) (image.Image, error) {
			img, _, err := synth.Render(opts, i)
			return img, err
		}}, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var files []string
	if _, _, derr := dataset.Detect(path); derr == nil || format != "" {
		ds, err := dataset.Load(path, dataset.LoadOptions{Format: format})
		if err != nil {
			return nil, err
		}
		for _, s := range ds.Samples {
			files = append(files, s.ImagePath)
		}
	} else if st.IsDir() {
		if files, err = imageFiles(path); err != nil {
			return nil, err
		}
	} else if isImageFile(path) {
		files = []string{path}
	} else {
		return nil, derr
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no images (want .jpg or .png files, a COCO, VOC or YOLO dataset, or 'synth')", path)
	}
	files = spread(files, n)
	return &calibSet{n: len(files), image: func(i int) (image.Image, error) {
		return preprocess.DecodeFile(files[i], maxImagePixels)
	}}, nil
}

func isImageFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png":
		return true
	}
	return false
}

// imageFiles lists a folder's .jpg and .png files, sorted.
func imageFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && isImageFile(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(out)
	return out, nil
}

// spread keeps n of the items, evenly spaced (all when there are fewer).
func spread(items []string, n int) []string {
	if len(items) <= n {
		return items
	}
	out := make([]string, n)
	for i := range out {
		out[i] = items[i*len(items)/n]
	}
	return out
}

// calibration is what calibrate chose: per activation, and (rule best)
// the whole models it compared.
type calibration struct {
	layers     []quant.LayerReport
	candidates []quant.Candidate
}

// calibrate runs the set through the float model, preprocessed with the
// model's own resize rule and normalisation, and quantizes it by rule.
// progress, when set, is called after each image.
func calibrate(cfg net.Config, weights map[string]net.Param, set *calibSet, rule quant.Rule, threads int, progress func(done int)) (*quant.Model, calibration, error) {
	cal, err := quant.NewCalibrator(cfg, weights, threads)
	if err != nil {
		return nil, calibration{}, err
	}
	pre := preprocess.NewPreprocessor(cfg.MinSize, cfg.MaxSize, cfg.ImageMean, cfg.ImageStd)
	var buf []float32
	for i := range set.n {
		img, err := set.image(i)
		if err != nil {
			cal.Close()
			return nil, calibration{}, err
		}
		b := img.Bounds()
		pw, ph := preprocess.PaddedSize(preprocess.ResizedSize(b.Dx(), b.Dy(), cfg.MinSize, cfg.MaxSize))
		if need := 3 * pw * ph; cap(buf) < need {
			buf = make([]float32, need)
		}
		geo, err := pre.Run(img, buf[:3*pw*ph])
		if err != nil {
			cal.Close()
			return nil, calibration{}, err
		}
		if err := cal.Add(quant.Image{H: geo.PaddedH, W: geo.PaddedW, Data: buf[:3*geo.PaddedH*geo.PaddedW]}); err != nil {
			cal.Close()
			return nil, calibration{}, err
		}
		if progress != nil {
			progress(i + 1)
		}
	}
	// The model takes over the calibrator's engine (closed with the model).
	m, layers, err := cal.Quantize(rule)
	return m, calibration{layers, cal.Candidates}, err
}

// printReport writes the per-activation calibration outcome, then the
// whole models rule best compared.
func printReport(w io.Writer, report calibration) {
	fmt.Fprintf(w, "%-48s %-10s %8s %10s %5s\n", "activation", "rule", "SQNR dB", "scale", "zero")
	for _, l := range report.layers {
		fmt.Fprintf(w, "%-48s %-10s %8.1f %10.4g %5d\n", l.Key, l.Rule, l.SQNR, l.Params.Scale, l.Params.Zero)
	}
	if len(report.candidates) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%-16s %14s %14s\n", "whole model", "class logits", "box deltas")
	for _, c := range report.candidates {
		kept := ""
		if c.Kept {
			kept = "  kept"
		}
		fmt.Fprintf(w, "%-16s %11.1f dB %11.1f dB%s\n", c.Name, c.ClassDB, c.BoxDB, kept)
	}
}
