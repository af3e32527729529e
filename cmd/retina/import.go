package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/torchimport"
)

func runImport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("import", "import [--min-size N] [--max-size N] [--classes FILE|coco] SRC.pth DST.safetensors", stderr)
	minSize := fs.Int("min-size", 0, "resize rule's short side to store in the model (0: torchvision's 800)")
	maxSize := fs.Int("max-size", 0, "resize rule's long-side cap (0: torchvision's 1333)")
	classes := fs.String("classes", "", "class names: a `FILE` with one per line, or 'coco' (default: COCO names for 91 classes)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("want SRC.pth DST.safetensors, got %d arguments", fs.NArg())
	}
	if (*minSize != 0 && (*minSize < 32 || *minSize > 4096)) || (*maxSize != 0 && (*maxSize < 32 || *maxSize > 8192)) {
		return usagef("--min-size/--max-size out of range: want 32..4096 and 32..8192")
	}
	opts := torchimport.Options{MinSize: *minSize, MaxSize: *maxSize}
	switch *classes {
	case "":
	case "coco":
		opts.Labels = torchimport.COCOLabels()
	default:
		labels, err := readLabels(*classes)
		if err != nil {
			return err
		}
		opts.Labels = labels
	}
	src, dst := fs.Arg(0), fs.Arg(1)
	cfg, weights, err := torchimport.ImportFile(src, opts)
	if err != nil {
		return err
	}
	if err := net.WriteModelFile(dst, cfg, weights); err != nil {
		return err
	}
	p6 := "P5"
	if cfg.P6FromC5 {
		p6 = "C5"
	}
	fmt.Fprintf(stdout, "%s: %s (%s blocks %v), FPN %d, P6 from %s, GroupNorm heads %v, %s, %d anchors per cell, %d tensors -> %s\n",
		src, cfg.Backbone, cfg.Block, cfg.Layers, cfg.FPNWidth, p6, cfg.HeadGroupNorm, count(cfg.NumClasses, "class", "classes"), cfg.AnchorsPerCell(), len(weights), dst)
	return nil
}

// readLabels reads one class name per line; blank lines are kept as
// unnamed classes only inside the list, trailing ones are dropped.
func readLabels(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var labels []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		labels = append(labels, strings.TrimSpace(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for len(labels) > 0 && labels[len(labels)-1] == "" {
		labels = labels[:len(labels)-1]
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("%s: no class names in the file", path)
	}
	return labels, nil
}
