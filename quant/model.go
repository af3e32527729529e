package quant

import (
	"fmt"
	"strings"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
)

// qblock is a quantized residual block.
type qblock struct {
	convs []*Conv
	down  *Conv
	add   *Add
}

// towerLayer is one head tower conv; with a GroupNorm (v2 heads) its
// accumulators are dequantized, normalised in float with the ReLU, and
// quantized again to the level's Out parameters.
type towerLayer struct {
	conv        levelConv
	gn          string // the GroupNorm's tensor prefix, or ""
	gamma, beta []float32
}

// qhead is one head: its tower, then the output conv whose accumulators
// are dequantized for the sigmoid and box decoding.
type qhead struct {
	tower []towerLayer
	out   levelConv
}

// Model is the int8 RetinaNet: every conv int8 with a fused ReLU, adds in
// fixed point, the heads' last convs dequantized to float. It is not safe
// for concurrent use.
type Model struct {
	cfg          net.Config
	arch         *net.Arch
	input        QParams
	stem         *Conv
	stages       [4][]qblock
	inner, layer [3]*Conv
	topDown      [2]*Add // lateral[i] = inner[i] + up(lateral[i+1]), i = 0, 1
	p6, p7       *Conv
	cls, box     qhead
	engine       *kernels.Engine
	plan         *plan
	// lanes are the engines the two head towers run on side by side, on
	// half the threads each (nil on one thread and for GroupNorm towers,
	// whose scratch is shared); see towersSideBySide.
	lanes [2]*kernels.Engine

	// calibration describes how the activation ranges were chosen (JSON,
	// kept in the model file's metadata); "" when unknown.
	calibration string
}

// source supplies the parts of a model as assemble walks the network:
// quantized from calibration, or read from a model file.
type source interface {
	input() (QParams, error)
	// conv returns layer s reading an activation quantized with in and
	// writing the activation out ("" for a head's output conv).
	conv(s net.ArchConv, in QParams, out string) (*Conv, error)
	// headConv returns head conv s reading, on each pyramid level, an
	// activation quantized with in[l] and writing out[l] ("" for the
	// output conv).
	headConv(s net.ArchConv, in [net.NumLevels]QParams, out [net.NumLevels]string) (levelConv, error)
	// addOutput gives the output parameters of the add named name,
	// writing activation out.
	addOutput(name, out string) (QParams, error)
	groupNorm(s net.ArchConv) (gamma, beta []float32, err error)
}

// addName is the name of the add that ends the block or FPN level whose
// conv is named conv: its prefix (up to the last dot) and "add".
func addName(conv string) string { return conv[:strings.LastIndex(conv, ".")+1] + "add" }

// assemble walks the network in data order. Every activation's parameters
// are set once, by the op that writes it, and every reader must agree
// with them (each pyramid level and each level of a head tower is an
// activation of its own): a file whose convs disagree is refused.
func assemble(cfg net.Config, a *net.Arch, src source, e *kernels.Engine) (*Model, error) {
	known := map[string]QParams{}
	m := &Model{cfg: cfg, arch: a, engine: e}
	var err error
	if m.input, err = src.input(); err != nil {
		return nil, err
	}
	known[net.InputActivation] = m.input
	set := func(key, by string, p QParams) error {
		if old, ok := known[key]; ok && old != p {
			return fmt.Errorf("%s writes %s with scale %g, zero %d; another op wrote it with scale %g, zero %d", by, key, p.Scale, p.Zero, old.Scale, old.Zero)
		}
		known[key] = p
		return nil
	}
	read := func(key, by string) (QParams, error) {
		p, ok := known[key]
		if !ok {
			return p, fmt.Errorf("quant: %s reads %s before it is written", by, key)
		}
		return p, nil
	}
	conv := func(s net.ArchConv, in, out string) (*Conv, error) {
		p, err := read(in, s.Name)
		if err != nil {
			return nil, err
		}
		c, err := src.conv(s, p, out)
		if err != nil {
			return nil, err
		}
		if winogradAt(s) {
			c.transformWinograd()
		}
		if out != "" {
			if err := set(out, s.Name, c.Out); err != nil {
				return nil, err
			}
		}
		return c, nil
	}
	add := func(name, in1, in2, out string, relu bool) (*Add, error) {
		po, err := src.addOutput(name, out)
		if err != nil {
			return nil, err
		}
		if err := set(out, name, po); err != nil {
			return nil, err
		}
		return NewAdd(known[in1], known[in2], po, relu), nil
	}
	if m.stem, err = conv(a.Stem, net.InputActivation, a.Stem.Name); err != nil {
		return nil, err
	}
	key := a.Stem.Name // max-pooling keeps the parameters
	var stageKeys [4]string
	for s, blocks := range a.Stages {
		for _, blk := range blocks {
			var qb qblock
			k := key
			for _, c := range blk.Convs {
				qc, err := conv(c, k, c.Name)
				if err != nil {
					return nil, err
				}
				qb.convs, k = append(qb.convs, qc), c.Name
			}
			idKey := key
			if blk.Down != nil {
				if qb.down, err = conv(*blk.Down, key, blk.Down.Name); err != nil {
					return nil, err
				}
				idKey = blk.Down.Name
			}
			last := blk.Convs[len(blk.Convs)-1]
			if qb.add, err = add(addName(last.Name), k, idKey, blk.Output(), true); err != nil {
				return nil, err
			}
			m.stages[s] = append(m.stages[s], qb)
			key = blk.Output()
		}
		stageKeys[s] = key
	}
	var latKey [3]string
	if m.inner[2], err = conv(a.Inner[2], stageKeys[3], a.Inner[2].Name); err != nil {
		return nil, err
	}
	latKey[2] = a.Inner[2].Name
	for i := 1; i >= 0; i-- {
		if m.inner[i], err = conv(a.Inner[i], stageKeys[i+1], a.Inner[i].Name); err != nil {
			return nil, err
		}
		if m.topDown[i], err = add(addName(a.Inner[i].Name), a.Inner[i].Name, latKey[i+1], a.LateralSum(i), false); err != nil {
			return nil, err
		}
		latKey[i] = a.LateralSum(i)
	}
	for i := range 3 {
		if m.layer[i], err = conv(a.Layer[i], latKey[i], net.PyramidActivation(i)); err != nil {
			return nil, err
		}
	}
	p6in := net.PyramidActivation(2)
	if a.P6Input == net.FeatureC5 {
		p6in = stageKeys[3]
	}
	if m.p6, err = conv(a.P6, p6in, net.PyramidActivation(3)); err != nil {
		return nil, err
	}
	if m.p7, err = conv(a.P7, net.PyramidActivation(3), net.PyramidActivation(4)); err != nil {
		return nil, err
	}
	// headConv is conv on every level: base's level keys in, s's out.
	headConv := func(s net.ArchConv, base string, write bool) (levelConv, error) {
		var in [net.NumLevels]QParams
		var out [net.NumLevels]string
		for l := range net.NumLevels {
			var err error
			if in[l], err = read(net.LevelActivation(base, l), s.Name); err != nil {
				return levelConv{}, err
			}
			if write {
				out[l] = net.LevelActivation(s.Name, l)
			}
		}
		c, err := src.headConv(s, in, out)
		if err != nil {
			return c, err
		}
		for l, k := range out {
			if k != "" {
				if err := set(k, s.Name, c[l].Out); err != nil {
					return c, err
				}
			}
		}
		return c, nil
	}
	head := func(specs []net.ArchConv, out net.ArchConv) (qhead, error) {
		var h qhead
		k := net.PyramidBase
		for _, s := range specs {
			c, err := headConv(s, k, true)
			if err != nil {
				return h, err
			}
			l := towerLayer{conv: c, gn: s.GN}
			if s.GN != "" {
				if l.gamma, l.beta, err = src.groupNorm(s); err != nil {
					return h, err
				}
			}
			h.tower, k = append(h.tower, l), s.Name
		}
		var err error
		h.out, err = headConv(out, k, false)
		return h, err
	}
	if m.cls, err = head(a.ClsTower, a.ClsOut); err != nil {
		return nil, err
	}
	if m.box, err = head(a.BoxTower, a.BoxOut); err != nil {
		return nil, err
	}
	if t := e.Threads(); t >= 2 && len(m.cls.tower) > 0 && len(m.box.tower) > 0 && m.cls.tower[0].gamma == nil && m.box.tower[0].gamma == nil {
		m.lanes = [2]*kernels.Engine{kernels.NewEngine(e.Impl(), (t+1)/2), kernels.NewEngine(e.Impl(), t/2)}
		for _, l := range m.lanes {
			l.SetInt8(e.Int8Impl()) // the tier the weights were packed for
		}
	}
	return m, nil
}

// Config returns the model's configuration.
func (m *Model) Config() net.Config { return m.cfg }

// Kernels returns the int8 tier the model runs on.
func (m *Model) Kernels() *kernels.Int8Impl { return m.engine.Int8Impl() }

// Close stops the model's GEMM threads; the model must not be used after.
func (m *Model) Close() {
	m.engine.Close()
	for _, e := range m.lanes {
		if e != nil {
			e.Close()
		}
	}
}

func (m *Model) String() string {
	return fmt.Sprintf("int8 RetinaNet(%s, %d classes, %s kernels)", m.cfg.Backbone, m.cfg.NumClasses, m.engine.Int8Impl().Name)
}
