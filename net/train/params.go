package train

import (
	"math"
	"slices"

	"github.com/retina-edge/retina/net"
)

// Params returns the trainable parameters in state_dict order. The slices
// are the network's own: an optimizer updates Data in place (Step reads the
// new values) and reads Grad.
func (n *Network) Params() []*Param { return n.trainable }

// ZeroGrad clears every trainable parameter's gradient.
func (n *Network) ZeroGrad() {
	for _, p := range n.trainable {
		clear(p.Grad)
	}
}

// Weights returns a copy of the full state_dict, frozen batch norms and
// frozen convs included, for saving or for the inference model.
func (n *Network) Weights() map[string]net.Param {
	out := make(map[string]net.Param, len(n.specs))
	for _, s := range n.specs {
		if p, ok := n.tensors[s.Name]; ok {
			out[s.Name] = net.Param{Shape: slices.Clone(p.Shape), Data: slices.Clone(p.Data)}
			continue
		}
		f := n.fixed[s.Name]
		out[s.Name] = net.Param{Shape: slices.Clone(f.Shape), Data: slices.Clone(f.Data)}
	}
	return out
}

// rsqrt32 is torch's float32 rsqrt (correctly rounded here; torch's may
// differ by an ulp).
func rsqrt32(x float32) float32 { return float32(1 / math.Sqrt(float64(x))) }
