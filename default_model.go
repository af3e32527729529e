// Package retina is the module root: it embeds the default model, a small
// edge RetinaNet trained with `retina train` on `retina synth` shapes
// (testdata/default/README.md tells how), so that `retina detect` and
// `retina stream` run with nothing but an input.
package retina

import (
	_ "embed"
	"fmt"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// DefaultModelName names the embedded model in messages.
const DefaultModelName = "embedded default model (testdata/default/model.safetensors)"

//go:embed testdata/default/model.safetensors
var defaultModel []byte

// DefaultModelWeights parses the embedded model: its configuration and
// state_dict tensors, checked as a model file read from disk is.
func DefaultModelWeights() (net.Config, map[string]net.Param, error) {
	return net.ParseModel(DefaultModelName, defaultModel)
}

// DefaultModel builds the embedded model, each tensor decoded only when its
// layer is packed (net.ModelFromFile).
func DefaultModel(opts net.Options) (*net.Model, error) {
	f, err := safetensors.Parse(defaultModel)
	if err == nil {
		var m *net.Model
		if m, err = net.ModelFromFile(f, opts); err == nil {
			return m, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", DefaultModelName, err)
}
