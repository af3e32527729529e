package train

import (
	"fmt"
	"math"
)

// Optimizer kinds, the values of OptimizerConfig.Kind and --optimizer.
const (
	OptimizerSGD   = "sgd"
	OptimizerAdamW = "adamw"
)

// OptimizerConfig holds the hyper-parameters of both optimizers; Kind picks
// which ones apply. DefaultSGD and DefaultAdamW are the usual starts.
type OptimizerConfig struct {
	Kind        string  `json:"kind"`
	Momentum    float64 `json:"momentum"`     // SGD
	WeightDecay float64 `json:"weight_decay"` // SGD: L2 added to the gradient; AdamW: decoupled
	Beta1       float64 `json:"beta1"`        // AdamW
	Beta2       float64 `json:"beta2"`        // AdamW
	Eps         float64 `json:"eps"`          // AdamW
}

// DefaultSGD is torchvision's detection recipe: momentum 0.9, weight decay 1e-4.
func DefaultSGD() OptimizerConfig {
	return OptimizerConfig{Kind: OptimizerSGD, Momentum: 0.9, WeightDecay: 1e-4}
}

// DefaultAdamW is torch.optim.AdamW's defaults but for a weight decay of
// 0.05, the usual choice for detection fine-tuning.
func DefaultAdamW() OptimizerConfig {
	return OptimizerConfig{Kind: OptimizerAdamW, WeightDecay: 0.05, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

func (c OptimizerConfig) check() error {
	bad := func(name string, v float64) error {
		return fmt.Errorf("train: optimizer %s %g out of range", name, v)
	}
	if !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0) {
		return bad("weight decay", c.WeightDecay)
	}
	switch c.Kind {
	case OptimizerSGD:
		if !(c.Momentum >= 0 && c.Momentum < 1) {
			return bad("momentum", c.Momentum)
		}
	case OptimizerAdamW:
		if !(c.Beta1 >= 0 && c.Beta1 < 1) {
			return bad("beta1", c.Beta1)
		}
		if !(c.Beta2 >= 0 && c.Beta2 < 1) {
			return bad("beta2", c.Beta2)
		}
		if !(c.Eps > 0) || math.IsInf(c.Eps, 0) {
			return bad("eps", c.Eps)
		}
	default:
		return fmt.Errorf("train: optimizer %q unknown: want sgd or adamw", c.Kind)
	}
	return nil
}

// Optimizer updates parameters from their gradients as torch.optim.SGD
// (momentum, L2 weight decay, no dampening, no Nesterov) or torch.optim.AdamW
// (bias-corrected moments, decoupled weight decay) do, in float32 like
// torch's CPU kernels. Its state is keyed by parameter name, so it can be
// saved and restored (State, SetState). A parameter whose Grad is nil is
// skipped, as torch skips p.grad None; Param.Decay false means no weight
// decay for that parameter.
type Optimizer struct {
	cfg   OptimizerConfig
	steps int64                // AdamW's step count (shared: every parameter steps together)
	buf1  map[string][]float32 // SGD momentum buffer, AdamW exp_avg
	buf2  map[string][]float32 // AdamW exp_avg_sq
}

// NewOptimizer checks cfg and returns an optimizer with empty state.
func NewOptimizer(cfg OptimizerConfig) (*Optimizer, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return &Optimizer{cfg: cfg, buf1: map[string][]float32{}, buf2: map[string][]float32{}}, nil
}

// Config returns the optimizer's hyper-parameters.
func (o *Optimizer) Config() OptimizerConfig { return o.cfg }

// Step applies one update with learning rate lr to every parameter.
func (o *Optimizer) Step(params []*Param, lr float64) {
	if o.cfg.Kind == OptimizerAdamW {
		o.steps++
		for _, p := range params {
			if p.Grad != nil {
				o.adamw(p, lr)
			}
		}
		return
	}
	for _, p := range params {
		if p.Grad != nil {
			o.sgd(p, lr)
		}
	}
}

// sgd is torch.optim.SGD's _single_tensor_sgd: d_p = g + wd*p;
// buf = momentum*buf + d_p (buf = d_p on the first step); p -= lr*buf.
func (o *Optimizer) sgd(p *Param, lr float64) {
	wd := float32(o.cfg.WeightDecay)
	if !p.Decay {
		wd = 0
	}
	mom, nlr := float32(o.cfg.Momentum), float32(-lr)
	buf, seen := o.buf1[p.Name]
	if o.cfg.Momentum != 0 && !seen {
		buf = make([]float32, len(p.Data))
		o.buf1[p.Name] = buf
	}
	for i, g := range p.Grad {
		d := g
		if wd != 0 {
			d = g + float32(wd*p.Data[i])
		}
		if o.cfg.Momentum != 0 {
			if seen {
				d = float32(buf[i]*mom) + d
			}
			buf[i] = d
		}
		p.Data[i] += float32(nlr * d)
	}
}

// adamw is torch.optim.AdamW's _single_tensor_adamw without amsgrad:
// p *= 1 - lr*wd; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
// p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
func (o *Optimizer) adamw(p *Param, lr float64) {
	m, ok := o.buf1[p.Name]
	if !ok {
		m = make([]float32, len(p.Data))
		o.buf1[p.Name] = m
		o.buf2[p.Name] = make([]float32, len(p.Data))
	}
	v := o.buf2[p.Name]
	b1, b2 := o.cfg.Beta1, o.cfg.Beta2
	t := float64(o.steps)
	decay := float32(1 - lr*o.cfg.WeightDecay)
	if !p.Decay {
		decay = 1
	}
	stepSize := float32(-lr / (1 - math.Pow(b1, t)))
	bc2 := float32(math.Sqrt(1 - math.Pow(b2, t)))
	fb1, fb2 := float32(b1), float32(b2)
	c1, c2 := float32(1-b1), float32(1-b2)
	eps := float32(o.cfg.Eps)
	for i, g := range p.Grad {
		x := p.Data[i] * decay
		m[i] = float32(m[i]*fb1) + float32(g*c1)
		v[i] = float32(v[i]*fb2) + float32(float32(g*g)*c2)
		denom := float32(float32(math.Sqrt(float64(v[i])))/bc2) + eps
		p.Data[i] = x + float32(stepSize*float32(m[i]/denom))
	}
}

// ClipGradNorm scales every gradient by min(1, maxNorm/(norm+1e-6)) where
// norm is the global 2-norm of all gradients, as
// torch.nn.utils.clip_grad_norm_ does, and returns that norm (computed in
// float64; non-finite when some gradient is). maxNorm <= 0 only measures.
func ClipGradNorm(params []*Param, maxNorm float64) float64 {
	var sum float64
	for _, p := range params {
		var s float64
		for _, g := range p.Grad {
			s += float64(g) * float64(g)
		}
		sum += s
	}
	norm := math.Sqrt(sum)
	if maxNorm <= 0 || math.IsNaN(norm) {
		return norm
	}
	coef := maxNorm / (norm + 1e-6)
	if coef >= 1 {
		return norm
	}
	c := float32(coef)
	for _, p := range params {
		for i := range p.Grad {
			p.Grad[i] *= c
		}
	}
	return norm
}
