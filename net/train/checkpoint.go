package train

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// Files a run writes into its output folder.
const (
	// ModelFileName is the final model, a normal retina model file.
	ModelFileName = "model.safetensors"
	// CheckpointFileName is the latest checkpoint's weights as a normal
	// model file, for `retina detect --model` during a run.
	CheckpointFileName = "checkpoint.safetensors"
	// ResumeFileName holds everything --resume needs: the weights, the
	// optimizer's buffers and the run's position and settings, in one file,
	// so that it is consistent by construction.
	ResumeFileName = "resume.safetensors"
)

// resumeFormat is the "format" metadata of a resume file.
const resumeFormat = "retina-train-resume-v1"

// weightPrefix names the weights inside a resume file.
const weightPrefix = "model/"

// State is where a run stands: the position in the schedule (the data order
// and augmentation follow from the seed, the epoch and the batch index, so no
// random generator state is needed) and the settings the run continues with.
type State struct {
	Epoch int `json:"epoch"` // the epoch in progress (0-based)
	Batch int `json:"batch"` // the next batch of that epoch
	Iter  int `json:"iter"`  // optimizer steps taken
	// OptimizerSteps is AdamW's step count (bias correction).
	OptimizerSteps int64 `json:"optimizer_steps"`
	Run            Run   `json:"run"`
}

// Checkpoint is a resume file's content.
type Checkpoint struct {
	Config  net.Config
	Weights map[string]net.Param
	State   State
	// optim holds the optimizer buffers, restored by Optimizer.SetState.
	optim []safetensors.Tensor
}

// SaveCheckpoint writes dir/resume.safetensors and then
// dir/checkpoint.safetensors, each atomically (temp file, fsync, rename).
// A crash between the two leaves a resume file one checkpoint newer than the
// model file, never an inconsistent or partial one.
func SaveCheckpoint(dir string, cfg net.Config, weights map[string]net.Param, opt *Optimizer, params []*Param, st State) error {
	specs, err := cfg.Params()
	if err != nil {
		return err
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	sj, err := json.Marshal(st)
	if err != nil {
		return err
	}
	var tensors []safetensors.Tensor
	for _, s := range specs {
		w, ok := weights[s.Name]
		if !ok {
			return fmt.Errorf("checkpoint: weights lack %s", s.Name)
		}
		tensors = append(tensors, safetensors.F32(weightPrefix+s.Name, s.Shape, w.Data))
	}
	tensors = append(tensors, opt.StateTensors(params)...)
	meta := map[string]string{"format": resumeFormat, "retina": string(js), "state": string(sj)}
	if err := safetensors.WriteFile(filepath.Join(dir, ResumeFileName), meta, tensors); err != nil {
		return fmt.Errorf("checkpoint at step %d: %w", st.Iter, err)
	}
	if err := net.WriteModelFile(filepath.Join(dir, CheckpointFileName), cfg, weights); err != nil {
		return fmt.Errorf("checkpoint at step %d: %w", st.Iter, err)
	}
	return nil
}

// LoadCheckpoint reads dir/resume.safetensors.
func LoadCheckpoint(dir string) (*Checkpoint, error) {
	path := filepath.Join(dir, ResumeFileName)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%s: no checkpoint to resume from (%v)", dir, err)
	}
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if got := f.Metadata["format"]; got != resumeFormat {
		return nil, fmt.Errorf("%s: metadata format is %q, want %q", path, got, resumeFormat)
	}
	ck := &Checkpoint{Weights: map[string]net.Param{}}
	if err := json.Unmarshal([]byte(f.Metadata["retina"]), &ck.Config); err != nil {
		return nil, fmt.Errorf("%s: configuration: %v", path, err)
	}
	if err := json.Unmarshal([]byte(f.Metadata["state"]), &ck.State); err != nil {
		return nil, fmt.Errorf("%s: training state: %v", path, err)
	}
	st := ck.State
	if st.Epoch < 0 || st.Batch < 0 || st.Iter < 0 || st.OptimizerSteps < 0 {
		return nil, fmt.Errorf("%s: training state has negative counters: %+v", path, st)
	}
	specs, err := ck.Config.Params()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	want := map[string][]int{}
	for _, s := range specs {
		want[s.Name] = s.Shape
	}
	for _, t := range f.Tensors {
		name, ok := strings.CutPrefix(t.Name, weightPrefix)
		if !ok {
			if strings.HasPrefix(t.Name, optimStatePrefix) {
				ck.optim = append(ck.optim, t)
				continue
			}
			return nil, fmt.Errorf("%s: unexpected tensor %s", path, t.Name)
		}
		shape, ok := want[name]
		if !ok || fmt.Sprint(shape) != fmt.Sprint(t.Shape) {
			return nil, fmt.Errorf("%s: tensor %s %v is not part of the configuration (want %v)", path, t.Name, t.Shape, shape)
		}
		data, err := t.Float32s()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		ck.Weights[name] = net.Param{Shape: t.Shape, Data: data}
	}
	if len(ck.Weights) != len(specs) {
		var missing []string
		for _, s := range specs {
			if _, ok := ck.Weights[s.Name]; !ok {
				missing = append(missing, s.Name)
			}
		}
		sort.Strings(missing)
		return nil, fmt.Errorf("%s: missing weights %v", path, missing)
	}
	return ck, nil
}
