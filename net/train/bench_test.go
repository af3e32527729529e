package train

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/internal/cputime"
	"github.com/retina-edge/retina/net"
)

// benchBatch is a batch of n random normalised images with a few boxes
// each, the same recipe as tools/bench_torch_train_step.py.
func benchBatch(n, h, w, classes int) *Batch {
	rng := rand.New(rand.NewSource(1))
	b := &Batch{N: n, H: h, W: w, Images: make([]float32, n*3*h*w)}
	for i := range b.Images {
		b.Images[i] = float32(rng.NormFloat64())
	}
	for i := range n {
		var ts []Target
		for j := range 4 {
			x, y := float32(20+60*j), float32(30+50*j)
			ts = append(ts, Target{Box: [4]float32{x, y, x + 40 + float32(20*j), y + 50}, Class: (i + j) % classes})
		}
		b.Targets = append(b.Targets, ts)
		b.ImageSizes = append(b.ImageSizes, [2]int{h, w})
	}
	return b
}

// BenchmarkTrainStep is one training step (forward, loss, backward and an
// SGD update with momentum 0.9 and weight decay 1e-4) of RetinaNet ResNet-18-FPN with 80 classes on a batch of two
// 320x320 images, the whole backbone trained (FreezeBackbone -1) or
// torchvision's default (1). cpu-ms/op is the process's CPU time per step:
// on a busy machine it tracks the work better than the wall clock.
func BenchmarkTrainStep(b *testing.B) {
	for _, threads := range []int{1, 2} {
		for _, freeze := range []int{-1, 1} {
			b.Run(fmt.Sprintf("resnet18/2x320x320/freeze%d/%dT", freeze, threads), func(b *testing.B) {
				cfg, _ := net.ResNetConfig("resnet18", 80)
				w, err := net.InitialWeights(cfg, 1)
				if err != nil {
					b.Fatal(err)
				}
				opts := DefaultOptions()
				opts.Threads, opts.FreezeBackbone = threads, freeze
				n, err := NewNetwork(cfg, w, opts)
				if err != nil {
					b.Fatal(err)
				}
				defer n.Close()
				batch := benchBatch(2, 320, 320, 80)
				opt, err := NewOptimizer(DefaultSGD())
				if err != nil {
					b.Fatal(err)
				}
				step := func() {
					if _, err := n.Step(batch); err != nil {
						b.Fatal(err)
					}
					opt.Step(n.Params(), 0.01)
				}
				step()
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cputime.Process()
				for range b.N {
					step()
				}
				cpu = cputime.Process() - cpu
				b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
