package net

// The architecture walk, exported for the int8 model (package quant), so
// that both networks derive their layers from one place.

// ArchConv is one conv of the network with the normalisation after it,
// named as in torchvision's state_dict.
type ArchConv struct {
	Name   string // prefix of the conv's tensors: Name+".weight", Name+".bias"
	Bias   bool   // the conv has its own bias
	BN     string // prefix of a batch norm folded into the conv, or ""
	GN     string // prefix of a GroupNorm (GroupNormGroups groups) after the conv, or ""
	OutC   int
	InC    int
	K      int // square kernel
	Stride int
	Pad    int
	// ReLU follows the conv (after its norm). The last conv of a residual
	// block has none: its ReLU comes after the join.
	ReLU bool
}

// ArchBlock is a residual block: Convs in order, then the join with the
// identity or with Down(input), then a ReLU.
type ArchBlock struct {
	Convs []ArchConv
	Down  *ArchConv
}

// Arch is the whole network of a configuration, one field per part.
type Arch struct {
	Stem               ArchConv
	Stages             [4][]ArchBlock
	Inner, Layer       [3]ArchConv // FPN lateral 1x1 and output 3x3 for C3..C5
	P6, P7             ArchConv    // P6 reads C5 when Config.P6FromC5, else P5; P7 reads relu(P6)
	ClsTower, BoxTower []ArchConv
	ClsOut, BoxOut     ArchConv
}

// Arch derives the layers of the configuration, as NewModel builds them.
func (c *Config) Arch() (*Arch, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	a := newArchSpec(c)
	out := &Arch{Stem: a.stem.export(), P6: a.p6.export(), P7: a.p7.export(), ClsOut: a.clsOut.export(), BoxOut: a.boxOut.export()}
	for s, blocks := range a.stages {
		for _, b := range blocks {
			var eb ArchBlock
			for _, cs := range b.convs {
				eb.Convs = append(eb.Convs, cs.export())
			}
			if b.down != nil {
				d := b.down.export()
				eb.Down = &d
			}
			out.Stages[s] = append(out.Stages[s], eb)
		}
	}
	for i := range 3 {
		out.Inner[i], out.Layer[i] = a.inner[i].export(), a.layer[i].export()
	}
	for i := range a.clsTower {
		out.ClsTower = append(out.ClsTower, a.clsTower[i].export())
		out.BoxTower = append(out.BoxTower, a.boxTower[i].export())
	}
	return out, nil
}

func (s *convSpec) export() ArchConv {
	return ArchConv{Name: s.name, Bias: s.bias, BN: s.bn, GN: s.gn, OutC: s.oc, InC: s.ic, K: s.k,
		Stride: s.stride, Pad: s.pad, ReLU: s.reluInPlace}
}

// Convs lists every conv in state_dict order.
func (a *Arch) Convs() []ArchConv {
	out := []ArchConv{a.Stem}
	for _, st := range a.Stages {
		for _, b := range st {
			out = append(out, b.Convs...)
			if b.Down != nil {
				out = append(out, *b.Down)
			}
		}
	}
	out = append(out, a.Inner[:]...)
	out = append(out, a.Layer[:]...)
	out = append(out, a.P6, a.P7)
	out = append(out, a.ClsTower...)
	out = append(out, a.ClsOut)
	out = append(out, a.BoxTower...)
	out = append(out, a.BoxOut)
	return out
}

// FoldBatchNorm folds an eval-mode batch norm into the conv before it, as
// NewModel does (float64, one rounding); w is OutC x (InC*K*K), bias may be
// nil. It returns new slices.
func FoldBatchNorm(w, bias, gamma, beta, mean, variance []float32) (fw, fb []float32) {
	return foldBatchNorm(w, bias, gamma, beta, mean, variance)
}
