package quant

import (
	"math/rand"
	"runtime"
	"testing"

	"github.com/retina-edge/retina/internal/stagebench"
	"github.com/retina-edge/retina/net"
)

// calibratedResNet18 is a fresh ResNet-18 RetinaNet (80 classes) on
// threads threads, quantized with calibration on one random 320x320 image,
// the input, with its buffers planned.
func calibratedResNet18(b *testing.B, threads int) (*Model, Image) {
	cfg, _ := net.ResNetConfig("resnet18", 80)
	weights, err := net.InitialWeights(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewCalibrator(cfg, weights, threads)
	if err != nil {
		b.Fatal(err)
	}
	img := randomImage(rand.New(rand.NewSource(1)), 320, 320)
	if err := c.Add(img); err != nil {
		b.Fatal(err)
	}
	m, _, err := c.Quantize(RuleMinMax)
	if err != nil {
		c.Close()
		b.Fatal(err)
	}
	b.Cleanup(m.Close) // the calibrator's engine, which the model shares
	if _, err := m.Heads(320, 320, img.Data); err != nil {
		b.Fatal(err)
	}
	return m, img
}

// BenchmarkHeadsStages times each stage of the int8 forward of ResNet-18-FPN
// (80 classes, 320x320) in wall milliseconds on GOMAXPROCS threads, so that
// `go test -cpu 1,2 -bench HeadsStages` shows how each stage scales and
// where serial time remains: the input's quantization, the backbone, the
// FPN, the heads.
func BenchmarkHeadsStages(b *testing.B) {
	m, img := calibratedResNet18(b, runtime.GOMAXPROCS(0))
	p := m.plan
	stagebench.Time(b, []stagebench.Stage{
		{Name: "quantize", Run: func() {
			p.quantizeJob = quantizeJob{im: m.engine.Int8Impl(), dst: p.input, src: img.Data, q: m.input}
			m.engine.ParallelRange(&p.quantizeJob, len(img.Data))
		}},
		{Name: "backbone", Run: func() { m.backbone(p) }},
		{Name: "fpn", Run: func() { m.fpn(p) }},
		{Name: "heads", Run: func() { m.heads(p) }},
	})
}
