package net

import (
	"fmt"

	"github.com/retina-edge/retina/net/safetensors"
)

// ParseModel is ReadModelFile for a model file already in memory (the
// embedded default model); name labels errors as a path would.
func ParseModel(name string, data []byte) (Config, map[string]Param, error) {
	f, err := safetensors.Parse(data)
	if err != nil {
		return Config{}, nil, fmt.Errorf("%s: %w", name, err)
	}
	cfg, weights, err := ModelWeights(f)
	if err != nil {
		return Config{}, nil, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, weights, nil
}
