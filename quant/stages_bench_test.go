package quant

import (
	"math/rand"
	"runtime"
	"testing"
	"time"

	"github.com/retina-edge/retina/net"
)

// BenchmarkHeadsStages times each stage of the int8 forward of ResNet-18-FPN
// (80 classes, 320x320) in wall milliseconds on GOMAXPROCS threads, so that
// `go test -cpu 1,2 -bench HeadsStages` shows how each stage scales and
// where serial time remains: the input's quantization, the backbone, the
// FPN, the heads.
func BenchmarkHeadsStages(b *testing.B) {
	cfg, _ := net.ResNetConfig("resnet18", 80)
	weights, err := net.InitialWeights(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewCalibrator(cfg, weights, runtime.GOMAXPROCS(0))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	img := randomImage(rand.New(rand.NewSource(1)), 320, 320)
	if err := c.Add(img); err != nil {
		b.Fatal(err)
	}
	m, _, err := c.Quantize(RuleMinMax)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Heads(320, 320, img.Data); err != nil {
		b.Fatal(err)
	}
	p := m.plan
	stages := []struct {
		name string
		run  func()
	}{
		{"quantize", func() {
			p.quantizeJob = quantizeJob{im: m.engine.Int8Impl(), dst: p.input, src: img.Data, q: m.input}
			m.engine.ParallelRange(&p.quantizeJob, len(img.Data))
		}},
		{"backbone", func() { m.backbone(p) }},
		{"fpn", func() { m.fpn(p) }},
		{"heads", func() { m.heads(p) }},
	}
	wall := make([]time.Duration, len(stages))
	b.ResetTimer()
	for range b.N {
		for i, s := range stages {
			t := time.Now()
			s.run()
			wall[i] += time.Since(t)
		}
	}
	for i, s := range stages {
		b.ReportMetric(float64(wall[i].Microseconds())/1e3/float64(b.N), s.name+"-ms")
	}
}
