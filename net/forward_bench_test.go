package net

import (
	"math/rand"
	"runtime"
	"testing"
	"time"

	"github.com/retina-edge/retina/internal/cputime"
	"github.com/retina-edge/retina/internal/stagebench"
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
	cpu := cputime.Process()
	for range b.N {
		m.Forward(1, size, size, in)
	}
	cpu = cputime.Process() - cpu
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/op")
	// CPU time over all threads: the figure to compare on a shared machine.
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
}

// BenchmarkForwardResNet18_320_Parts splits the forward pass into the
// backbone, the FPN and the heads (CPU milliseconds of each per op).
func BenchmarkForwardResNet18_320_Parts(b *testing.B) {
	m, x := plannedResNet18(b, 1)
	p := m.plan
	var parts [3]time.Duration
	b.ResetTimer()
	for range b.N {
		t := cputime.Process()
		m.backbone(p, x)
		t1 := cputime.Process()
		m.fpn(p)
		t2 := cputime.Process()
		parts[0] += t1 - t
		parts[1] += t2 - t1
		m.heads(p, 0)
		parts[2] += cputime.Process() - t2
	}
	for i, name := range []string{"backbone", "fpn", "heads"} {
		b.ReportMetric(float64(parts[i].Microseconds())/1e3/float64(b.N), name+"-ms")
	}
}

// plannedResNet18 is ResNet-18-FPN (80 classes) on threads threads with
// its buffers planned for one random 320x320 image, the input.
func plannedResNet18(b *testing.B, threads int) (*Model, Tensor) {
	cfg, _ := ResNetConfig("resnet18", 80)
	m, err := NewInitializedModel(cfg, 1, threads)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Close)
	const size = 320
	in := randomSlice(rand.New(rand.NewSource(2)), 3*size*size)
	if _, err := m.Forward(1, size, size, in); err != nil {
		b.Fatal(err)
	}
	return m, Tensor{Shape: [4]int{1, 3, size, size}, Data: in}
}

// BenchmarkForwardStages times each stage of the forward pass of
// ResNet-18-FPN (80 classes, 320x320) in wall milliseconds on GOMAXPROCS
// threads, so that `go test -cpu 1,2 -bench ForwardStages` shows how each
// stage scales and where serial time remains: the stem conv, the max-pool,
// the residual stages, the FPN, the heads.
func BenchmarkForwardStages(b *testing.B) {
	m, x := plannedResNet18(b, runtime.GOMAXPROCS(0))
	p := m.plan
	stagebench.Time(b, []stagebench.Stage{
		{Name: "stem", Run: func() { m.stemConv(p, x) }},
		{Name: "pool", Run: func() { m.maxPool(p) }},
		{Name: "blocks", Run: func() { m.blocks(p) }},
		{Name: "fpn", Run: func() { m.fpn(p) }},
		{Name: "heads", Run: func() { m.heads(p, 0) }},
	})
}
