package net

import (
	"fmt"
)

// Param is one named weight tensor: torch's shape and its elements.
type Param struct {
	Shape []int
	Data  []float32
}

// CheckWeights verifies that weights hold exactly the tensors of specs
// (Config.Params) with their exact shapes and element counts, naming the
// first offender (as CheckShapes does). Every executor checks its weights
// with it.
func CheckWeights(specs []ParamShape, weights map[string]Param) error {
	have := make(map[string][]int, len(weights))
	for name, p := range weights {
		have[name] = p.Shape
	}
	if err := checkShapeSpecs(specs, have); err != nil {
		return err
	}
	for _, s := range specs {
		if n := shapeSize(s.Shape); len(weights[s.Name].Data) != n {
			return fmt.Errorf("tensor %s has %d elements, its shape %v needs %d", s.Name, len(weights[s.Name].Data), s.Shape, n)
		}
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
