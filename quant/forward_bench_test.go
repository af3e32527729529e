package quant

import (
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/internal/cputime"
	"github.com/retina-edge/retina/net"
)

// BenchmarkHeadsResNet18 times the int8 forward of a fresh ResNet-18
// RetinaNet (80 classes) on one 320x320 image, as `retina bench model
// --int8` does; -cpuprofile shows where the time goes.
func BenchmarkHeadsResNet18(b *testing.B) {
	m, img := benchResNet18(b)
	defer m.Close()
	if _, err := m.Heads(320, 320, img.Data); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := cputime.Process()
	for range b.N {
		m.Heads(320, 320, img.Data)
	}
	cpu = cputime.Process() - cpu
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// benchResNet18 is a fresh ResNet-18 RetinaNet (80 classes) quantized on
// one random 320x320 image, and that image.
func benchResNet18(b *testing.B) (*Model, Image) {
	cfg, _ := net.ResNetConfig("resnet18", 80)
	weights, err := net.InitialWeights(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewCalibrator(cfg, weights, 1)
	if err != nil {
		b.Fatal(err)
	}
	img := randomImage(rand.New(rand.NewSource(1)), 320, 320)
	if err := c.Add(img); err != nil {
		b.Fatal(err)
	}
	m, _, err := c.Quantize(RuleMinMax)
	if err != nil {
		b.Fatal(err)
	}
	return m, img
}
