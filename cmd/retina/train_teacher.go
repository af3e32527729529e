package main

import (
	"fmt"
	"path/filepath"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/torchimport"
)

// applyTeacherScores gives the training set's objects their teacher's
// scores (soft targets) from a teacher_scores.json; "" does nothing. The
// file's boxes are matched by image and overlap, so a dataset corrected by
// hand keeps the corrected boxes as hard labels.
func applyTeacherScores(path string, ds *dataset.Dataset) error {
	if path == "" {
		return nil
	}
	ts, err := dataset.ReadTeacherScores(path)
	if err != nil {
		return err
	}
	n, err := ds.ApplyTeacherScores(ts, filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: none of the training set's boxes is the teacher's (is it the file of this dataset?)", path)
	}
	return nil
}

// loadBackboneWeights replaces the backbone tensors of weights with those
// of a torchvision ImageNet classification checkpoint.
func loadBackboneWeights(path string, cfg net.Config, weights map[string]net.Param) error {
	bw, err := torchimport.ImportBackbone(path, cfg)
	if err != nil {
		return err
	}
	for k, v := range bw {
		weights[k] = v
	}
	return nil
}
