package quant

import (
	"testing"

	"github.com/retina-edge/retina/internal/cputime"
)

// BenchmarkHeadsResNet18 times the int8 forward of a fresh ResNet-18
// RetinaNet (80 classes) on one 320x320 image, as `retina bench model
// --int8` does; -cpuprofile shows where the time goes.
func BenchmarkHeadsResNet18(b *testing.B) {
	m, img := calibratedResNet18(b, 1)
	b.ResetTimer()
	cpu := cputime.Process()
	for range b.N {
		m.Heads(320, 320, img.Data)
	}
	cpu = cputime.Process() - cpu
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}
