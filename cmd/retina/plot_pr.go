package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/retina-edge/retina/net/cocoeval"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plotPR draws each class's precision/recall curve at IoU 0.5 (area all,
// 100 detections) and saves it atomically; the format follows the extension.
func plotPR(res *cocoeval.Result, path string) error {
	p := plot.New()
	p.Title.Text = "Precision / recall at IoU 0.5"
	p.X.Label.Text, p.Y.Label.Text = "recall", "precision"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.02
	p.Legend.Top = false
	for i, c := range res.PerClass {
		if c.PR50 == nil || c.NumGT == 0 {
			continue
		}
		pts := make(plotter.XYs, 0, len(c.PR50))
		for q, prec := range c.PR50 {
			if prec >= 0 {
				pts = append(pts, plotter.XY{X: res.Params.RecThrs[q], Y: prec})
			}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = plotutil.Color(i)
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("%s (AP50 %.3f)", c.Name, c.AP50), line)
	}
	return savePlot(p, path)
}

// savePlot writes a plot through a temporary file so that a failure leaves
// no partial file.
func savePlot(p *plot.Plot, path string) error {
	ext := filepath.Ext(path)
	switch ext {
	case ".png", ".svg", ".pdf":
	default:
		return fmt.Errorf("%s: plot format %q not supported (use .png, .svg or .pdf)", path, ext)
	}
	w, err := p.WriterTo(8*vg.Inch, 6*vg.Inch, ext[1:])
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".plot-*"+ext)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := w.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}
