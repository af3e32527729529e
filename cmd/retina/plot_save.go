package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/retina-edge/retina/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// savePlot paints a width x height picture and writes it atomically to
// path (mode 0644 under the usual umask); the format follows the extension:
// .png, .svg or .pdf.
func savePlot(path string, width, height vg.Length, paint func(draw.Canvas)) error {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".png", ".svg", ".pdf":
	default:
		return fmt.Errorf("%s: plot format %q not supported (use .png, .svg or .pdf)", path, ext)
	}
	c, err := draw.NewFormattedCanvas(width, height, ext[1:])
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	paint(draw.New(c))
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := c.WriteTo(w)
		return err
	})
}

// legendGap is the space between a plot's area and its legend.
const legendGap = vg.Length(8)

// legendWidth is the width a legend takes beside its plots.
func legendWidth(c draw.Canvas, legends ...*plot.Legend) vg.Length {
	var w vg.Length
	for _, l := range legends {
		w = max(w, l.Rectangle(c).Size().X)
	}
	return w + 2*legendGap
}

// drawLegendBeside draws legend to the right of the plot drawn in area,
// top-aligned with it, in the strip of canvas c right of area, so that it
// never covers data.
func drawLegendBeside(c, area draw.Canvas, legend *plot.Legend) {
	legend.Top, legend.Left = true, true
	strip := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: area.Max.X + legendGap, Y: area.Min.Y},
		Max: vg.Point{X: c.Max.X, Y: area.Max.Y - 2*legendGap},
	}}
	legend.Draw(strip)
}
