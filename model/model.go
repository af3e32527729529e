// Package model opens retina's model files of either kind: a float model
// (net, "retina-float-v1") or an int8 one (quant, "retina-int8-v2" and the
// older "retina-int8-v1"), chosen by the file's metadata, and wraps either
// in a net/detect Detector. The commands and the tests load models here;
// it imports net and quant, which know nothing of each other's files.
package model

import (
	"fmt"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/safetensors"
	"github.com/retina-edge/retina/quant"
)

// Kinds of model, as Model.Kind names them.
const (
	KindFloat = "float"
	KindInt8  = "int8"
)

// The int8 model is a net/detect Network.
var _ detect.Network = (*quant.Model)(nil)

// Model is an opened model of either kind: exactly one of Float and Int8
// is set.
type Model struct {
	Kind  string
	Float *net.Model
	Int8  *quant.Model
}

// LoadFile opens a retina model file, float or int8 as its metadata says,
// and builds it on threads GEMM threads. Errors name the file.
func LoadFile(path string, threads int) (*Model, error) {
	l, err := safetensors.OpenLazy(path)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	switch format := l.Metadata["format"]; {
	case format == net.ModelFormat:
		// Each tensor is read from disk as its layer is packed.
		m, err := net.ModelFromLazy(l, net.Options{Threads: threads})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &Model{Kind: KindFloat, Float: m}, nil
	case quant.IsModelFormat(format):
		for i := range l.Tensors { // int8 files are small: read whole
			if err := l.Load(i); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		m, err := quant.ModelFromFile(&l.File, threads)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &Model{Kind: KindInt8, Int8: m}, nil
	default:
		return nil, fmt.Errorf("%s: metadata format is %q: not a retina model file (want %q or %q)", path, format, net.ModelFormat, quant.FormatTag)
	}
}

// Config returns the model's configuration.
func (a *Model) Config() net.Config {
	if a.Int8 != nil {
		return a.Int8.Config()
	}
	return a.Float.Config()
}

// Detector wraps the model in a net/detect Detector (which does not own it).
func (a *Model) Detector(opts detect.Options) (*detect.Detector, error) {
	if a.Int8 != nil {
		return detect.NewNetwork(a.Int8, opts)
	}
	return detect.New(a.Float, opts)
}

// Close stops the model's threads.
func (a *Model) Close() {
	if a.Int8 != nil {
		a.Int8.Close()
	} else {
		a.Float.Close()
	}
}
