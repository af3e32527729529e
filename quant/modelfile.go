package quant

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/retina-edge/retina/kernels"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/safetensors"
)

// A quantized model file ("retina-int8-v2") is a safetensors file like the
// float one: __metadata__ holds "format", the net.Config JSON under
// "retina" and, optionally, how calibration chose the ranges under
// "calibration". Its tensors, all named after torchvision's state_dict:
//
//	<conv>.weight        I8  [OutC, InC, K, K]  per-channel symmetric, [-127, 127]
//	<conv>.weight_scale  F32 [OutC]
//	<conv>.bias          I32 [OutC]             scale In*weight_scale, input zero point folded in
//	<conv>.act_scale     F32 [2]                input and output activation scales
//	<conv>.act_zero      I32 [2]                input and output zero points
//	<head>.bias          I32 [5, OutC]          a head conv's: per level P3..P7
//	<head>.act_scale     F32 [5, 2]             (the weights are shared)
//	<head>.act_zero      I32 [5, 2]
//	<gn>.weight, .bias   F32 [OutC]             v2 heads' GroupNorm (run in float)
//	<block>.add.act_*    F32/I32 [1]            a residual or top-down sum's output
//	input.act_*          F32/I32 [1]            the normalised image's parameters
//
// Head convs are the towers' and the output convs of both heads; the FPN's
// output convs, P6 and P7 each write their own level. A "retina-int8-v1"
// file is the same but for the head convs, which hold the plain [OutC] and
// [2] tensors used on every level (v1 shared one set over P3..P7).
//
// Every activation's parameters (per level for the pyramid and the head
// towers) are written by one op and must be what each reader's act_* say
// it reads: the loader checks that.

// Calibration metadata key.
const metaCalibration = "calibration"

// tensorSpec is one tensor a model file must hold.
type tensorSpec struct {
	name, dtype string
	shape       []int
}

// fileSpecs lists every tensor of a configuration's int8 model file whose
// head convs each hold `sets` sets of parameters (1 in v1, net.NumLevels in v2).
func fileSpecs(a *net.Arch, sets int) []tensorSpec {
	out := []tensorSpec{{"input.act_scale", "F32", []int{1}}, {"input.act_zero", "I32", []int{1}}}
	act := func(prefix string, shape []int) {
		out = append(out, tensorSpec{prefix + ".act_scale", "F32", shape}, tensorSpec{prefix + ".act_zero", "I32", shape})
	}
	head := headConvs(a)
	for _, c := range a.Convs() {
		bias, acts := []int{c.OutC}, []int{2}
		if head[c.Name] && sets > 1 {
			bias, acts = []int{sets, c.OutC}, []int{sets, 2}
		}
		out = append(out,
			tensorSpec{c.Name + ".weight", "I8", []int{c.OutC, c.InC, c.K, c.K}},
			tensorSpec{c.Name + ".weight_scale", "F32", []int{c.OutC}},
			tensorSpec{c.Name + ".bias", "I32", bias})
		act(c.Name, acts)
		if c.GN != "" {
			out = append(out, tensorSpec{c.GN + ".weight", "F32", []int{c.OutC}}, tensorSpec{c.GN + ".bias", "F32", []int{c.OutC}})
		}
	}
	for _, st := range a.Stages {
		for _, b := range st {
			act(addName(b.Convs[len(b.Convs)-1].Name), []int{1})
		}
	}
	for i := range 2 {
		act(addName(a.Inner[i].Name), []int{1})
	}
	return out
}

// headConvs names the convs that run on every pyramid level.
func headConvs(a *net.Arch) map[string]bool {
	out := map[string]bool{a.ClsOut.Name: true, a.BoxOut.Name: true}
	for _, s := range append(slices.Clone(a.ClsTower), a.BoxTower...) {
		out[s.Name] = true
	}
	return out
}

// checkFileTensors compares a file's tensors with the specs: a wrong dtype
// or shape first, then a missing tensor, then an extra one, so that a file
// of another architecture is recognised from one line.
func checkFileTensors(f *safetensors.File, specs []tensorSpec) error {
	want := make(map[string]bool, len(specs))
	for _, s := range specs {
		want[s.name] = true
		t, ok := f.Get(s.name)
		if ok && (t.DType != s.dtype || !slices.Equal(t.Shape, s.shape)) {
			return fmt.Errorf("tensor %s is %s %v, want %s %v", s.name, t.DType, t.Shape, s.dtype, s.shape)
		}
	}
	for _, s := range specs {
		if _, ok := f.Get(s.name); !ok {
			return fmt.Errorf("missing tensor %s (%s %v)", s.name, s.dtype, s.shape)
		}
	}
	for _, t := range f.Tensors {
		if !want[t.Name] {
			return fmt.Errorf("unexpected tensor %s (not part of this configuration)", t.Name)
		}
	}
	return nil
}

// WriteFile writes the model as a quantized model file, atomically (a
// temporary file renamed into place; nothing is left at path on failure).
func (m *Model) WriteFile(path string) error {
	js, err := json.Marshal(m.cfg)
	if err != nil {
		return fmt.Errorf("%s: configuration: %v", path, err)
	}
	meta := map[string]string{"format": FormatTag, "retina": string(js)}
	if m.calibration != "" {
		meta[metaCalibration] = m.calibration
	}
	tensors := []safetensors.Tensor{
		safetensors.F32("input.act_scale", []int{1}, []float32{m.input.Scale}),
		safetensors.I32("input.act_zero", []int{1}, []int32{m.input.Zero}),
	}
	conv := func(c *Conv) { tensors = append(tensors, c.Tensors(c.Name)...) }
	add := func(name string, a *Add) {
		tensors = append(tensors,
			safetensors.F32(name+".act_scale", []int{1}, []float32{a.Out.Scale}),
			safetensors.I32(name+".act_zero", []int{1}, []int32{a.Out.Zero}))
	}
	conv(m.stem)
	for _, st := range m.stages {
		for _, b := range st {
			for _, c := range b.convs {
				conv(c)
			}
			if b.down != nil {
				conv(b.down)
			}
			add(addName(b.convs[len(b.convs)-1].Name), b.add)
		}
	}
	for i := range 3 {
		conv(m.inner[i])
		conv(m.layer[i])
	}
	for i := range 2 {
		add(addName(m.inner[i].Name), m.topDown[i])
	}
	conv(m.p6)
	conv(m.p7)
	headConv := func(c levelConv) { tensors = append(tensors, c.tensors(c[0].Name)...) }
	for _, h := range []qhead{m.cls, m.box} {
		for _, l := range h.tower {
			headConv(l.conv)
			if l.gn != "" {
				tensors = append(tensors,
					safetensors.F32(l.gn+".weight", []int{len(l.gamma)}, l.gamma),
					safetensors.F32(l.gn+".bias", []int{len(l.beta)}, l.beta))
			}
		}
		headConv(h.out)
	}
	return safetensors.WriteFile(path, meta, tensors)
}

// LoadModelFile reads a quantized model file and builds the model on
// threads GEMM threads with the active int8 tier. Errors name the file.
func LoadModelFile(path string, threads int) (*Model, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ModelFromFile(f, threads)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// IsModelFormat reports the "format" metadata of an int8 model file
// (FormatTag, or the older "retina-int8-v1").
func IsModelFormat(format string) bool { return format == FormatTag || format == formatV1 }

// ModelFromFile builds the model of a parsed int8 model file on threads
// GEMM threads, checking the file completely (format, configuration,
// every tensor's name, dtype and shape) before decoding anything.
func ModelFromFile(f *safetensors.File, threads int) (*Model, error) {
	sets := net.NumLevels
	switch got := f.Metadata["format"]; got {
	case FormatTag:
	case formatV1:
		sets = 1
	default:
		return nil, fmt.Errorf("metadata format is %q, want %q or %q (not a retina int8 model file)", got, FormatTag, formatV1)
	}
	raw, ok := f.Metadata["retina"]
	if !ok {
		return nil, fmt.Errorf("no \"retina\" configuration in the metadata")
	}
	var cfg net.Config
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return nil, fmt.Errorf("configuration: %v", err)
	}
	a, err := newArch(&cfg)
	if err != nil {
		return nil, err
	}
	if err := checkFileTensors(f, fileSpecs(a, sets)); err != nil {
		return nil, err
	}
	e := kernels.NewEngine(kernels.Active(), max(threads, 1))
	m, err := assemble(cfg, a, &fileSource{f: f, sets: sets}, e)
	if err != nil {
		e.Close()
		return nil, err
	}
	m.calibration = f.Metadata[metaCalibration]
	return m, nil
}

// fileSource reads a model's parts from a checked file whose head convs
// hold sets sets of parameters.
type fileSource struct {
	f    *safetensors.File
	sets int
}

// act reads n activation parameters at prefix.
func (s *fileSource) act(prefix string, n int) ([]QParams, error) {
	sc, err := tensorF32(s.f, prefix+".act_scale", n)
	if err != nil {
		return nil, err
	}
	z, err := tensorI32(s.f, prefix+".act_zero", n)
	if err != nil {
		return nil, err
	}
	out := make([]QParams, n)
	for i := range out {
		out[i] = QParams{Scale: sc[i], Zero: z[i]}
		if err := out[i].check(); err != nil {
			return nil, fmt.Errorf("%s.act_scale/act_zero [%d]: %v", prefix, i, err)
		}
	}
	return out, nil
}

func (s *fileSource) input() (QParams, error) {
	p, err := s.act("input", 1)
	if err != nil {
		return QParams{}, err
	}
	return p[0], nil
}

func (s *fileSource) conv(l net.ArchConv, in QParams, _ string) (*Conv, error) {
	p, err := s.act(l.Name, 2)
	if err != nil {
		return nil, err
	}
	if p[0] != in {
		return nil, fmt.Errorf("%s.act_scale/act_zero: input scale %g, zero %d, but its input was written with scale %g, zero %d",
			l.Name, p[0].Scale, p[0].Zero, in.Scale, in.Zero)
	}
	c, err := ReadConv(s.f, l.Name, l.Shape(0, 0), l.OutC, l.ReLU && l.GN == "")
	if err != nil {
		return nil, err
	}
	c.Name = l.Name
	return c, nil
}

func (s *fileSource) headConv(l net.ArchConv, in [net.NumLevels]QParams, _ [net.NumLevels]string) (levelConv, error) {
	c, err := readLevelConv(s.f, l.Name, l.Shape(0, 0), l.OutC, l.ReLU && l.GN == "", s.sets)
	if err != nil {
		return c, err
	}
	for lv, p := range c.ins() {
		if p != in[lv] {
			return c, fmt.Errorf("%s.act_scale/act_zero: level %s input scale %g, zero %d, but its input was written with scale %g, zero %d",
				l.Name, net.LevelName(lv), p.Scale, p.Zero, in[lv].Scale, in[lv].Zero)
		}
	}
	c.setName(l.Name)
	return c, nil
}

func (s *fileSource) addOutput(name, _ string) (QParams, error) {
	p, err := s.act(name, 1)
	if err != nil {
		return QParams{}, err
	}
	return p[0], nil
}

func (s *fileSource) groupNorm(l net.ArchConv) ([]float32, []float32, error) {
	g, err := tensorF32(s.f, l.GN+".weight", l.OutC)
	if err != nil {
		return nil, nil, err
	}
	b, err := tensorF32(s.f, l.GN+".bias", l.OutC)
	if err != nil {
		return nil, nil, err
	}
	return g, b, nil
}
