package net

import (
	"fmt"
	"slices"
)

// CheckShapes compares the tensors present (name -> shape) with those cfg's
// state_dict has: every one present with its exact shape and nothing else.
// It reports a wrong shape first, then a missing tensor, then an extra one,
// each with a count of the others, so that a checkpoint of another
// architecture is recognised from one line.
func CheckShapes(cfg Config, have map[string][]int) error {
	specs, err := cfg.Params()
	if err != nil {
		return err
	}
	return checkShapeSpecs(specs, have)
}

func checkShapeSpecs(specs []ParamShape, have map[string][]int) error {
	want := make(map[string]bool, len(specs))
	var missing, extra, wrong []string
	for _, s := range specs {
		want[s.Name] = true
		hs, ok := have[s.Name]
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("missing tensor %s (shape %v)", s.Name, s.Shape))
		case !slices.Equal(hs, s.Shape):
			wrong = append(wrong, fmt.Sprintf("tensor %s has shape %v, want %v", s.Name, hs, s.Shape))
		}
	}
	for name := range have {
		if !want[name] {
			extra = append(extra, fmt.Sprintf("unexpected tensor %s (not part of this configuration)", name))
		}
	}
	for _, l := range [][]string{wrong, missing, extra} {
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		if len(l) > 1 {
			return fmt.Errorf("%s (and %d more like it)", l[0], len(l)-1)
		}
		return fmt.Errorf("%s", l[0])
	}
	return nil
}
