package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/cocoeval"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/train"
)

// evalReport is `retina eval --json`: the 12 COCO numbers and per-class AP.
type evalReport struct {
	Stats    map[string]float64 `json:"stats"`
	PerClass []classReport      `json:"per_class"`
}

type classReport struct {
	CategoryID int64   `json:"category_id"`
	Name       string  `json:"name"`
	NumGT      int     `json:"num_gt"`
	AP         float64 `json:"ap"`
	AP50       float64 `json:"ap50"`
	AP75       float64 `json:"ap75"`
}

func runEval(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "eval (--model F --data PATH [--min-size N --max-size N] | --gt instances.json --dt results.json) [--json] [--plot FILE.png]", stderr)
	gtPath := fs.String("gt", "", "COCO ground truth `FILE` (instances JSON)")
	dtPath := fs.String("dt", "", "COCO results `FILE` ([{image_id, category_id, bbox, score}])")
	mf := addModelFlags(fs)
	df := addDetectFlags(fs, float32Default(detect.DefaultOptions().ScoreThresh))
	data := fs.String("data", "", "dataset to run the model on: a COCO JSON, a VOC folder or a YOLO folder")
	format := fs.String("format", "", "dataset format: coco, voc or yolo (default: detected)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	plot := fs.String("plot", "", "write precision/recall curves at IoU 0.5 per class to `FILE` (.png, .svg or .pdf)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opts, err := df.options()
	if err != nil {
		return err
	}
	var res *cocoeval.Result
	switch {
	case *data != "" && *gtPath == "" && *dtPath == "":
		res, err = evalModel(mf, *data, *format, opts)
	case *data == "" && *gtPath != "" && *dtPath != "":
		res, err = evalFiles(*gtPath, *dtPath)
	default:
		return usagef("give either --data (with --model) or both --gt and --dt")
	}
	if err != nil {
		return err
	}
	if *plot != "" {
		if err := plotPR(res, *plot); err != nil {
			return err
		}
	}
	return printEval(res, *asJSON, stdout)
}

// evalFiles scores a COCO results file against COCO ground truth.
func evalFiles(gtPath, dtPath string) (*cocoeval.Result, error) {
	gt, err := cocoeval.LoadGT(gtPath)
	if err != nil {
		return nil, err
	}
	dts, err := cocoeval.LoadResults(gt, dtPath)
	if err != nil {
		return nil, err
	}
	return cocoeval.Evaluate(gt, dts, cocoeval.DefaultParams())
}

// evalModel runs a model, float or int8, over a dataset and scores its
// detections.
func evalModel(mf *modelFlags, data, format string, opts detect.Options) (*cocoeval.Result, error) {
	ds, err := dataset.Load(data, dataset.LoadOptions{Format: format})
	if err != nil {
		return nil, err
	}
	model, err := mf.load()
	if err != nil {
		return nil, err
	}
	defer model.Close()
	if err := checkEvalClasses(mf, data, model.Config(), ds.Classes); err != nil {
		return nil, err
	}
	det, err := model.Detector(opts)
	if err != nil {
		return nil, err
	}
	return train.EvaluateDetector(det, ds, maxImagePixels)
}

func printEval(res *cocoeval.Result, asJSON bool, stdout io.Writer) error {
	if asJSON {
		rep := evalReport{Stats: map[string]float64{}}
		for i, name := range cocoeval.StatNames {
			rep.Stats[name] = res.Stats[i]
		}
		for _, c := range res.PerClass {
			rep.PerClass = append(rep.PerClass, classReport{c.CategoryID, c.Name, c.NumGT, c.AP, c.AP50, c.AP75})
		}
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	for i, name := range cocoeval.StatNames {
		fmt.Fprintf(stdout, "%-6s %.4f\n", name, res.Stats[i])
	}
	fmt.Fprintf(stdout, "\n%-20s %6s %7s %7s %7s\n", "class", "gt", "AP", "AP50", "AP75")
	for _, c := range res.PerClass {
		fmt.Fprintf(stdout, "%-20s %6d %7.4f %7.4f %7.4f\n", c.Name, c.NumGT, c.AP, c.AP50, c.AP75)
	}
	return nil
}

// checkEvalClasses refuses a dataset whose classes are not the model's:
// more classes than the model has logits, or, when the model names its
// classes, a class of another name at the same index (the scores would
// compare different things).
func checkEvalClasses(mf *modelFlags, data string, cfg net.Config, classes []string) error {
	model, fineTune := mf.describe(), "retina train --data "+data
	if *mf.path != "" {
		fineTune += " --model " + *mf.path
	}
	advice := "evaluate a model trained on this dataset's classes, or fine-tune this one on it (" + fineTune + " --out DIR)"
	if len(classes) > cfg.NumClasses {
		return fmt.Errorf("the dataset %s has %s but %s has %s: %s",
			data, count(len(classes), "class", "classes"), model, count(cfg.NumClasses, "class", "classes"), advice)
	}
	if len(cfg.Labels) == cfg.NumClasses {
		for i, name := range classes {
			if cfg.Labels[i] != name {
				return fmt.Errorf("class %d is %q in the dataset %s but %q in %s: %s", i, name, data, cfg.Labels[i], model, advice)
			}
		}
	}
	return nil
}
