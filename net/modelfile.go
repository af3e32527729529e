package net

import (
	"cmp"
	"encoding/json"
	"fmt"

	"github.com/retina-edge/retina/net/safetensors"
)

// ModelFormat is the "format" metadata of a float model file: a safetensors
// file whose "retina" metadata is the Config as JSON and whose tensors are
// the torchvision state_dict that Config.Params lists, batch norms unfolded.
const ModelFormat = "retina-float-v1"

// LoadModelFile reads a model file and builds the model on threads GEMM
// threads with the active kernel tier.
func LoadModelFile(path string, threads int) (*Model, error) {
	return LoadModelFileWith(path, Options{Threads: threads})
}

// LoadModelFileWith reads a model file (see ModelFormat) and builds the
// model, reading each tensor from disk only when its layer is packed.
func LoadModelFileWith(path string, opts Options) (*Model, error) {
	l, err := safetensors.OpenLazy(path)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	m, err := ModelFromLazy(l, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ModelFromFile builds the model of a parsed model file (read from disk or
// embedded), checked as ModelConfig checks it. Each tensor is decoded only
// when its layer is packed, so the file's bytes and the packed weights are
// all that is ever in memory at once; the file is not needed after.
func ModelFromFile(f *safetensors.File, opts Options) (*Model, error) {
	for _, t := range f.Tensors {
		if len(t.Data) != 4*shapeSize(t.Shape) {
			return nil, fmt.Errorf("tensor %s has %d bytes, its shape %v needs %d", t.Name, len(t.Data), t.Shape, 4*shapeSize(t.Shape))
		}
	}
	return modelFromTensors(f, nil, opts)
}

// ModelFromLazy is ModelFromFile for a model file opened with
// safetensors.OpenLazy: each tensor is read from disk, decoded and dropped
// as its layer is packed, so the file is never in memory whole.
func ModelFromLazy(l *safetensors.Lazy, opts Options) (*Model, error) {
	return modelFromTensors(&l.File, l.Load, opts)
}

// modelFromTensors builds the model of f, whose tensors' data load (if
// not nil) reads on demand.
func modelFromTensors(f *safetensors.File, load func(i int) error, opts Options) (*Model, error) {
	cfg, err := ModelConfig(f)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(f.Tensors))
	for i, t := range f.Tensors {
		index[t.Name] = i
	}
	var loadErr error
	m := newModel(cfg, func(name string) []float32 {
		t := &f.Tensors[index[name]]
		if load != nil {
			if err := load(index[name]); err != nil {
				loadErr = cmp.Or(loadErr, err)
				return make([]float32, shapeSize(t.Shape)) // the model is dropped below
			}
			defer func() { t.Data = nil }()
		}
		data, err := t.Float32s()
		if err != nil {
			panic(err) // unreachable: ModelConfig checked every dtype, and the sizes are checked
		}
		return data
	}, opts)
	if loadErr != nil {
		m.Close()
		return nil, loadErr
	}
	return m, nil
}

// ReadModelFile reads a model file's configuration and tensors, checking
// the format, the configuration and every tensor's name, dtype and shape.
func ReadModelFile(path string) (Config, map[string]Param, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return Config{}, nil, err
	}
	cfg, weights, err := ModelWeights(f)
	if err != nil {
		return Config{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, weights, nil
}

// ModelConfig checks a parsed model file (read from disk or embedded) and
// returns its configuration: the format tag, the configuration itself, and
// every tensor's name, dtype and shape, before anything is decoded.
func ModelConfig(f *safetensors.File) (Config, error) {
	if got := f.Metadata["format"]; got != ModelFormat {
		return Config{}, fmt.Errorf("metadata format is %q, want %q (not a retina float model file)", got, ModelFormat)
	}
	raw, ok := f.Metadata["retina"]
	if !ok {
		return Config{}, fmt.Errorf("no \"retina\" configuration in the metadata")
	}
	var cfg Config
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return Config{}, fmt.Errorf("configuration: %v", err)
	}
	have := make(map[string][]int, len(f.Tensors))
	for _, t := range f.Tensors {
		if t.DType != "F32" {
			return Config{}, fmt.Errorf("tensor %s is %s, want F32", t.Name, t.DType)
		}
		have[t.Name] = t.Shape
	}
	if err := CheckShapes(cfg, have); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// ModelWeights is ModelConfig followed by decoding the tensors.
func ModelWeights(f *safetensors.File) (Config, map[string]Param, error) {
	cfg, err := ModelConfig(f)
	if err != nil {
		return Config{}, nil, err
	}
	weights := make(map[string]Param, len(f.Tensors))
	for _, t := range f.Tensors {
		data, err := t.Float32s()
		if err != nil {
			return Config{}, nil, err
		}
		weights[t.Name] = Param{Shape: t.Shape, Data: data}
	}
	return cfg, weights, nil
}

// WriteModelFile writes cfg and its state_dict tensors as a model file,
// after checking them as NewModel does. Tensors are stored as F32 in
// state_dict order.
func WriteModelFile(path string, cfg Config, weights map[string]Param) error {
	specs, err := cfg.Params()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := CheckWeights(specs, weights); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("%s: configuration: %v", path, err)
	}
	tensors := make([]safetensors.Tensor, len(specs))
	for i, s := range specs {
		tensors[i] = safetensors.F32(s.Name, s.Shape, weights[s.Name].Data)
	}
	return safetensors.WriteFile(path, map[string]string{"format": ModelFormat, "retina": string(js)}, tensors)
}
