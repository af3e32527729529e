package net

import (
	"fmt"
	"slices"
)

// Param is one named weight tensor: torch's shape and its elements.
type Param struct {
	Shape []int
	Data  []float32
}

// checkWeights verifies that weights hold exactly the tensors of specs with
// their exact shapes and element counts, naming the first offender.
func checkWeights(specs []ParamShape, weights map[string]Param) error {
	want := make(map[string]bool, len(specs))
	for _, s := range specs {
		want[s.Name] = true
		p, ok := weights[s.Name]
		if !ok {
			return fmt.Errorf("missing tensor %s (shape %v)", s.Name, s.Shape)
		}
		if !slices.Equal(p.Shape, s.Shape) {
			return fmt.Errorf("tensor %s has shape %v, want %v", s.Name, p.Shape, s.Shape)
		}
		if n := shapeSize(s.Shape); len(p.Data) != n {
			return fmt.Errorf("tensor %s has %d elements, its shape %v needs %d", s.Name, len(p.Data), s.Shape, n)
		}
	}
	if len(weights) != len(specs) {
		var extra []string
		for name := range weights {
			if !want[name] {
				extra = append(extra, name)
			}
		}
		slices.Sort(extra)
		return fmt.Errorf("unexpected tensor %s (%d tensors the configuration does not use)", extra[0], len(extra))
	}
	return nil
}

func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
