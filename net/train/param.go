package train

// Param is one trainable tensor of the state_dict: its torchvision name and
// shape, its values and the gradient that Step adds to.
//
// Decay follows torchvision's detection reference recipe: weight decay
// applies to every trainable parameter (biases included) unless
// --norm-weight-decay is given, in which case the normalisation parameters,
// marked Norm (the GroupNorm affine of v2 heads; batch norms are frozen),
// take that decay instead. Decay is therefore true for all of them.
type Param struct {
	Name       string
	Shape      []int
	Data, Grad []float32
	Decay      bool
	Norm       bool
	id         int // index in the network's tensors, for per-worker gradients
}

func newParam(name string, shape []int, data []float32, norm bool) *Param {
	return &Param{Name: name, Shape: shape, Data: data, Grad: make([]float32, len(data)), Decay: true, Norm: norm}
}
