package net

import (
	"encoding/json"
	"fmt"
	"slices"

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

// LoadModelFileWith reads a model file (see ModelFormat) and builds the model.
func LoadModelFileWith(path string, opts Options) (*Model, error) {
	cfg, weights, err := ReadModelFile(path)
	if err != nil {
		return nil, err
	}
	m, err := NewModelWith(cfg, weights, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
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
	if got := f.Metadata["format"]; got != ModelFormat {
		return Config{}, nil, fmt.Errorf("%s: metadata format is %q, want %q", path, got, ModelFormat)
	}
	raw, ok := f.Metadata["retina"]
	if !ok {
		return Config{}, nil, fmt.Errorf("%s: no \"retina\" configuration in the metadata", path)
	}
	var cfg Config
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return Config{}, nil, fmt.Errorf("%s: configuration: %v", path, err)
	}
	specs, err := cfg.Params()
	if err != nil {
		return Config{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	// Names and shapes first: nothing is decoded from a file that does not fit.
	if err := checkShapes(specs, f.Tensors); err != nil {
		return Config{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	weights := make(map[string]Param, len(specs))
	for _, t := range f.Tensors {
		data, err := t.Float32s()
		if err != nil {
			return Config{}, nil, fmt.Errorf("%s: %w", path, err)
		}
		weights[t.Name] = Param{Shape: t.Shape, Data: data}
	}
	return cfg, weights, nil
}

// checkShapes is checkWeights on the file's tensor headers, before decoding.
func checkShapes(specs []ParamShape, tensors []safetensors.Tensor) error {
	heads := make(map[string]Param, len(tensors))
	for _, t := range tensors {
		heads[t.Name] = Param{Shape: t.Shape}
	}
	want := make(map[string][]int, len(specs))
	for _, s := range specs {
		want[s.Name] = s.Shape
	}
	for _, s := range specs {
		p, ok := heads[s.Name]
		if !ok {
			return fmt.Errorf("missing tensor %s (shape %v)", s.Name, s.Shape)
		}
		if !slices.Equal(p.Shape, s.Shape) {
			return fmt.Errorf("tensor %s has shape %v, want %v", s.Name, p.Shape, s.Shape)
		}
	}
	for _, t := range tensors {
		if _, ok := want[t.Name]; !ok {
			return fmt.Errorf("unexpected tensor %s (not part of this configuration)", t.Name)
		}
	}
	return nil
}

// WriteModelFile writes cfg and its state_dict tensors as a model file,
// after checking them as NewModel does. Tensors are stored as F32 in
// state_dict order.
func WriteModelFile(path string, cfg Config, weights map[string]Param) error {
	specs, err := cfg.Params()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := checkWeights(specs, weights); err != nil {
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
