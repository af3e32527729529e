package train

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/retina-edge/retina/net/safetensors"
)

// Optimizer state tensors are named optimStatePrefix + buffer + "/" + the
// parameter's name, beside the weights in a training checkpoint.
const optimStatePrefix = "optimizer/"

// stateNames are the buffer names per kind, as torch's state_dict calls them.
func (o *Optimizer) stateNames() (string, string) {
	if o.cfg.Kind == OptimizerAdamW {
		return "exp_avg", "exp_avg_sq"
	}
	return "momentum_buffer", ""
}

// Steps is the number of AdamW steps taken (0 for SGD).
func (o *Optimizer) Steps() int64 { return o.steps }

// StateTensors returns the optimizer's buffers as named tensors, sorted by
// name (copies of the live buffers).
func (o *Optimizer) StateTensors(params []*Param) []safetensors.Tensor {
	n1, n2 := o.stateNames()
	var out []safetensors.Tensor
	for _, p := range params {
		if b, ok := o.buf1[p.Name]; ok {
			out = append(out, safetensors.F32(optimStatePrefix+n1+"/"+p.Name, []int{len(b)}, b))
		}
		if b, ok := o.buf2[p.Name]; ok && n2 != "" {
			out = append(out, safetensors.F32(optimStatePrefix+n2+"/"+p.Name, []int{len(b)}, b))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SetState restores buffers saved by StateTensors for these parameters and
// the AdamW step count. Every buffer must belong to a parameter and have its
// size; tensors not named optimizer/... are ignored.
func (o *Optimizer) SetState(params []*Param, steps int64, tensors []safetensors.Tensor) error {
	if steps < 0 {
		return fmt.Errorf("optimizer state: step count %d is negative", steps)
	}
	n1, n2 := o.stateNames()
	size := make(map[string]int, len(params))
	for _, p := range params {
		size[p.Name] = len(p.Data)
	}
	buf1 := map[string][]float32{}
	buf2 := map[string][]float32{}
	for _, t := range tensors {
		rest, ok := strings.CutPrefix(t.Name, optimStatePrefix)
		if !ok {
			continue
		}
		kind, name, _ := strings.Cut(rest, "/")
		var dst map[string][]float32
		switch {
		case kind == n1:
			dst = buf1
		case kind == n2 && n2 != "":
			dst = buf2
		default:
			return fmt.Errorf("optimizer state: tensor %s is not a %s buffer", t.Name, o.cfg.Kind)
		}
		want, ok := size[name]
		if !ok {
			return fmt.Errorf("optimizer state: tensor %s belongs to no trained parameter", t.Name)
		}
		if !slices.Equal(t.Shape, []int{want}) {
			return fmt.Errorf("optimizer state: tensor %s has shape %v, want [%d]", t.Name, t.Shape, want)
		}
		data, err := t.Float32s()
		if err != nil {
			return fmt.Errorf("optimizer state: %w", err)
		}
		dst[name] = data
	}
	if o.cfg.Kind == OptimizerAdamW {
		for name := range buf1 {
			if _, ok := buf2[name]; !ok {
				return fmt.Errorf("optimizer state: %s has exp_avg but no exp_avg_sq", name)
			}
		}
		if len(buf1) != len(buf2) {
			return fmt.Errorf("optimizer state: %d exp_avg buffers but %d exp_avg_sq", len(buf1), len(buf2))
		}
	}
	o.buf1, o.buf2, o.steps = buf1, buf2, steps
	return nil
}
