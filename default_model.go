// Package retina is the module root: it embeds the default model, a small
// edge RetinaNet trained with `retina train` on `retina synth` shapes
// (testdata/default/README.md tells how), so that `retina detect` and
// `retina stream` run with nothing but an input.
package retina

import _ "embed"

// DefaultModelName names the embedded model in messages.
const DefaultModelName = "embedded default model (testdata/default/model.safetensors)"

//go:embed testdata/default/model.safetensors
var defaultModel []byte

// DefaultModel returns the embedded default model file's bytes (a
// retina-float-v1 safetensors file). The slice is shared: do not modify it.
func DefaultModel() []byte { return defaultModel }
