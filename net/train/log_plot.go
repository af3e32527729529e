package train

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// PlotFileName is the run's loss / mAP plot in its output folder.
const PlotFileName = "train.png"

// plotLog draws the losses per step (top) and the validation AP and AP50
// per epoch (bottom) into a PNG, written through a temporary file.
func plotLog(rows []LogRow, path string) error {
	var total, cls, box, ap, ap50 plotter.XYs
	for _, r := range rows {
		x := float64(r.Step)
		if r.IsValidation() {
			ap = append(ap, plotter.XY{X: x, Y: r.ValAP})
			ap50 = append(ap50, plotter.XY{X: x, Y: r.ValAP50})
			continue
		}
		if finite(r.Loss) {
			total = append(total, plotter.XY{X: x, Y: r.Loss})
			cls = append(cls, plotter.XY{X: x, Y: r.ClassLoss})
			box = append(box, plotter.XY{X: x, Y: r.BoxLoss})
		}
	}
	losses := plot.New()
	losses.Title.Text = "Training loss"
	losses.X.Label.Text, losses.Y.Label.Text = "step", "loss"
	losses.Y.Min = 0
	losses.Legend.Top = true
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
		line.Color = palette[i]
		line.Width = vg.Points(1)
		losses.Add(line)
		losses.Legend.Add(s.name, line)
	}
	scores := plot.New()
	scores.Title.Text = "Validation"
	scores.X.Label.Text, scores.Y.Label.Text = "step", "COCO AP"
	scores.Y.Min, scores.Y.Max = 0, 1
	scores.Legend.Top, scores.Legend.Left = true, true
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
		line.Color, points.Color = palette[i], palette[i]
		scores.Add(line, points)
		scores.Legend.Add(s.name, line, points)
	}
	if xmax := losses.X.Max; len(total) > 0 {
		scores.X.Min, scores.X.Max = 0, math.Max(xmax, scores.X.Max)
	}
	img := vgimg.New(8*vg.Inch, 8*vg.Inch)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadX: vg.Points(4), PadY: vg.Points(8)}
	canvases := plot.Align([][]*plot.Plot{{losses}, {scores}}, tiles, dc)
	losses.Draw(canvases[0][0])
	scores.Draw(canvases[1][0])

	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	// CreateTemp makes the file owner-only; the plot is as readable as the log.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

var palette = []color.Color{
	color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
