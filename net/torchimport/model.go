package torchimport

import (
	"encoding/json"
	"fmt"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// Model file metadata: the format tag and the key holding the JSON config.
const (
	FormatKey   = "format"
	FloatFormat = "retina-float-v1"
	ConfigKey   = "retina"
)

// WriteModel writes retina's float model file: a safetensors file with
// metadata {"format": "retina-float-v1", "retina": <config JSON>} and the
// tensors under torchvision's state_dict names. The config and every tensor
// are checked first, and the file is replaced atomically.
func WriteModel(path string, cfg net.Config, tensors []safetensors.Tensor) error {
	if err := ValidateConfig(cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := checkTensors(cfg, tensors); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return safetensors.WriteFile(path, map[string]string{FormatKey: FloatFormat, ConfigKey: string(js)}, tensors)
}

// ReadModel reads a model file written by WriteModel, checking the format
// tag, the config and that the tensors match the config.
func ReadModel(path string) (net.Config, *safetensors.File, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return net.Config{}, nil, err
	}
	cfg, err := ModelConfig(f)
	if err != nil {
		return net.Config{}, nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, f, nil
}

// ModelConfig checks a parsed model file (for example an embedded one) and
// returns its config.
func ModelConfig(f *safetensors.File) (net.Config, error) {
	if got := f.Metadata[FormatKey]; got != FloatFormat {
		return net.Config{}, fmt.Errorf("format %q, want %q (not a retina float model file)", got, FloatFormat)
	}
	js, ok := f.Metadata[ConfigKey]
	if !ok {
		return net.Config{}, fmt.Errorf("metadata has no %q config", ConfigKey)
	}
	var cfg net.Config
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		return net.Config{}, fmt.Errorf("config: %v", err)
	}
	if err := ValidateConfig(cfg); err != nil {
		return net.Config{}, err
	}
	if err := checkTensors(cfg, f.Tensors); err != nil {
		return net.Config{}, err
	}
	return cfg, nil
}
