package main

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/retina-edge/retina/net/cocoeval"
	"github.com/retina-edge/retina/net/train"
)

// plotDir is where the plot tests write; RETINA_PLOT_DIR keeps them to look at.
func plotDir(t *testing.T) string {
	if d := os.Getenv("RETINA_PLOT_DIR"); d != "" {
		return d
	}
	return t.TempDir()
}

// checkPlotFile checks that path is a PNG of mode 0644 (under umask 022)
// whose right-hand strip, where the legend goes, is not blank.
func checkPlotFile(t *testing.T, path string) image.Image {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode %o, want 644", path, st.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// inkColumns counts the columns of img in [x0, x1) holding a pixel within
// 24 levels of the colour r, g, b on each channel (the curves and their
// legend icons; anti-aliasing blends their edges).
func inkColumns(img image.Image, x0, x1 int, r, g, b uint8) int {
	near := func(c uint32, want uint8) bool { d := int(c>>8) - int(want); return d >= -24 && d <= 24 }
	n := 0
	for x := x0; x < x1; x++ {
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if near(cr, r) && near(cg, g) && near(cb, b) {
				n++
				break
			}
		}
	}
	return n
}

func TestPlotTrainLogLegendBesideTheCurves(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	var rows []train.LogRow
	nan := math.NaN()
	for step := 1; step <= 40; step++ {
		loss := 2 / math.Sqrt(float64(step))
		rows = append(rows, train.LogRow{Epoch: 1 + (step-1)/10, Step: step, LR: 0.01, Loss: loss, ClassLoss: loss * 0.6,
			BoxLoss: loss * 0.4, GradNorm: 1, ValAP: nan, ValAP50: nan})
		if step%10 == 0 {
			rows = append(rows, train.LogRow{Epoch: step / 10, Step: step, LR: nan, Loss: nan, ClassLoss: nan, BoxLoss: nan,
				Foreground: -1, GradNorm: nan, ValAP: float64(step) / 80, ValAP50: float64(step) / 50})
		}
	}
	path := filepath.Join(plotDir(t), train.PlotFileName)
	if err := plotTrainLog(rows, path); err != nil {
		t.Fatal(err)
	}
	// The total loss line (blue) spans the plot, its legend the right 12%.
	checkLegendBeside(t, checkPlotFile(t, path), 88, [3]uint8{31, 119, 180})
}

// checkLegendBeside checks that the curve of colour c spans at least half
// of img left of its legend strip (the part of the width right of
// stripPercent), and shows in the strip only as its legend icon (20
// points), so the legend covers no data.
func checkLegendBeside(t *testing.T, img image.Image, stripPercent int, c [3]uint8) {
	t.Helper()
	w := img.Bounds().Dx()
	strip := w * stripPercent / 100
	if n := inkColumns(img, strip, w, c[0], c[1], c[2]); n == 0 || n > 40 {
		t.Errorf("colour %v in %d columns right of x=%d: want the legend's icon alone", c, n, strip)
	}
	if n := inkColumns(img, 0, strip, c[0], c[1], c[2]); n < w/2 {
		t.Errorf("the curve of colour %v covers %d columns of %d", c, n, w)
	}
}

func TestPlotPRLegendBesideTheCurves(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	res := &cocoeval.Result{Params: cocoeval.DefaultParams()}
	for k, name := range []string{"person", "traffic light", "car"} {
		pr := make([]float64, len(res.Params.RecThrs))
		for q, r := range res.Params.RecThrs {
			pr[q] = math.Max(0, 1-r*r*float64(k+1)/3) // every curve reaches recall 1
		}
		res.PerClass = append(res.PerClass, cocoeval.ClassResult{Name: name, NumGT: 5, AP50: 0.5, PR50: pr})
	}
	path := filepath.Join(plotDir(t), "pr.png")
	if err := plotPR(res, path); err != nil {
		t.Fatal(err)
	}
	// plotutil's first colour; the curves end at recall 1, the plot's
	// right edge, and the legend takes the right 24%.
	checkLegendBeside(t, checkPlotFile(t, path), 76, [3]uint8{0xf1, 0x5a, 0x60})
}
