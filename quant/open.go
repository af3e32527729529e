package quant

import (
	"fmt"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/safetensors"
)

// Model file kinds, as AnyModel.Kind names them.
const (
	KindFloat = "float"
	KindInt8  = "int8"
)

// The int8 model is a net/detect Network.
var _ detect.Network = (*Model)(nil)

// AnyModel is an opened retina model file of either kind: exactly one of
// Float and Int8 is set.
type AnyModel struct {
	Kind  string
	Float *net.Model
	Int8  *Model
}

// LoadAnyModelFile opens a retina model file, float ("retina-float-v1") or
// int8 ("retina-int8-v2", or the older "retina-int8-v1") as its metadata
// says, and builds it on threads GEMM threads. Errors name the file.
func LoadAnyModelFile(path string, threads int) (*AnyModel, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	switch format := f.Metadata["format"]; format {
	case net.ModelFormat:
		cfg, weights, err := net.ModelWeights(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m, err := net.NewModelWith(cfg, weights, net.Options{Threads: threads})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &AnyModel{Kind: KindFloat, Float: m}, nil
	case FormatTag, formatV1:
		m, err := loadParsed(f, threads)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &AnyModel{Kind: KindInt8, Int8: m}, nil
	default:
		return nil, fmt.Errorf("%s: metadata format is %q: not a retina model file (want %q or %q)", path, format, net.ModelFormat, FormatTag)
	}
}

// Config returns the model's configuration.
func (a *AnyModel) Config() net.Config {
	if a.Int8 != nil {
		return a.Int8.Config()
	}
	return a.Float.Config()
}

// Detector wraps the model in a net/detect Detector (which does not own it).
func (a *AnyModel) Detector(opts detect.Options) (*detect.Detector, error) {
	if a.Int8 != nil {
		return detect.NewNetwork(a.Int8, opts)
	}
	return detect.New(a.Float, opts)
}

// Close stops the model's threads.
func (a *AnyModel) Close() {
	if a.Int8 != nil {
		a.Int8.Close()
	} else {
		a.Float.Close()
	}
}
