package main

import (
	"image/color"
	"math"

	"github.com/retina-edge/retina/net/train"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// plotTrainLog draws a run's log into path: the losses per step (top) and
// the validation AP and AP50 per epoch (bottom), each with its legend right
// of the plot. train.Trainer.LogUpdated calls it after every epoch.
func plotTrainLog(rows []train.LogRow, path string) error {
	var total, cls, box, ap, ap50 plotter.XYs
	for _, r := range rows {
		x := float64(r.Step)
		if r.IsValidation() {
			ap = append(ap, plotter.XY{X: x, Y: r.ValAP})
			ap50 = append(ap50, plotter.XY{X: x, Y: r.ValAP50})
			continue
		}
		if !math.IsNaN(r.Loss) && !math.IsInf(r.Loss, 0) {
			total = append(total, plotter.XY{X: x, Y: r.Loss})
			cls = append(cls, plotter.XY{X: x, Y: r.ClassLoss})
			box = append(box, plotter.XY{X: x, Y: r.BoxLoss})
		}
	}
	losses := plot.New()
	losses.Title.Text = "Training loss"
	losses.X.Label.Text, losses.Y.Label.Text = "step", "loss"
	losses.Y.Min = 0
	lossLegend := plot.NewLegend()
	for i, s := range []struct {
		name string
		pts  plotter.XYs
	}{{"total", total}, {"class (focal)", cls}, {"box", box}} {
		if len(s.pts) == 0 {
			continue
		}
		line, err := plotter.NewLine(s.pts)
		if err != nil {
			return err
		}
		line.Color = trainPalette[i]
		line.Width = vg.Points(1)
		losses.Add(line)
		lossLegend.Add(s.name, line)
	}
	scores := plot.New()
	scores.Title.Text = "Validation"
	scores.X.Label.Text, scores.Y.Label.Text = "step", "COCO AP"
	scores.Y.Min, scores.Y.Max = 0, 1
	scoreLegend := plot.NewLegend()
	for i, s := range []struct {
		name string
		pts  plotter.XYs
	}{{"AP", ap}, {"AP50", ap50}} {
		if len(s.pts) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(s.pts)
		if err != nil {
			return err
		}
		line.Color, points.Color = trainPalette[i], trainPalette[i]
		scores.Add(line, points)
		scoreLegend.Add(s.name, line, points)
	}
	// One step axis for both, so that an epoch's AP sits under its losses.
	losses.X.Min, scores.X.Min = 0, 0
	losses.X.Max = math.Max(losses.X.Max, scores.X.Max)
	scores.X.Max = losses.X.Max
	return savePlot(path, 9*vg.Inch, 8*vg.Inch, func(c draw.Canvas) {
		area := draw.Crop(c, 0, -legendWidth(c, &lossLegend, &scoreLegend), 0, 0)
		tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadX: vg.Points(4), PadY: vg.Points(8)}
		canvases := plot.Align([][]*plot.Plot{{losses}, {scores}}, tiles, area)
		losses.Draw(canvases[0][0])
		scores.Draw(canvases[1][0])
		drawLegendBeside(c, canvases[0][0], &lossLegend)
		drawLegendBeside(c, canvases[1][0], &scoreLegend)
	})
}

// trainPalette is matplotlib's first three colours.
var trainPalette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
}
