package net

import (
	"math/rand"
	"testing"
)

// BenchmarkForwardResNet18_320 times backbone+FPN+heads of RetinaNet
// ResNet-18-FPN, 80 classes, one 320x320 image, one thread, active tier
// (RETINA_KERNELS forces one).
func BenchmarkForwardResNet18_320(b *testing.B) {
	benchmarkForward(b, "resnet18", 320, 1)
}

// BenchmarkForwardResNet18_320_2T is the same on two threads.
func BenchmarkForwardResNet18_320_2T(b *testing.B) {
	benchmarkForward(b, "resnet18", 320, 2)
}

func benchmarkForward(b *testing.B, backbone string, size, threads int) {
	cfg, _ := ResNetConfig(backbone, 80)
	m, err := NewInitializedModel(cfg, 1, threads)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	rng := rand.New(rand.NewSource(2))
	in := make([]float32, 3*size*size)
	for i := range in {
		in[i] = float32(rng.NormFloat64())
	}
	if _, err := m.Forward(1, size, size, in); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		m.Forward(1, size, size, in)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}
