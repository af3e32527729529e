package main

import (
	"fmt"

	"github.com/retina-edge/retina/net/cocoeval"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotPR draws each class's precision/recall curve at IoU 0.5 (area all,
// 100 detections), its legend right of the curves, and saves it
// atomically; the format follows the extension.
func plotPR(res *cocoeval.Result, path string) error {
	p := plot.New()
	p.Title.Text = "Precision / recall at IoU 0.5"
	p.X.Label.Text, p.Y.Label.Text = "recall", "precision"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1.02
	legend := plot.NewLegend()
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
		legend.Add(fmt.Sprintf("%s (AP50 %.3f)", c.Name, c.AP50), line)
	}
	return savePlot(path, 9*vg.Inch, 6*vg.Inch, func(c draw.Canvas) {
		area := draw.Crop(c, 0, -legendWidth(c, &legend), 0, 0)
		p.Draw(area)
		drawLegendBeside(c, area, &legend)
	})
}
