package quant

import (
	"math/rand"
	"testing"

	"github.com/retina-edge/retina/net"
)

// The int8 forward gives the same outputs bit for bit on 1 to 5 threads:
// the convs, the max-pool and the adds split outputs, never a sum. A
// bottleneck golden model covers the residual adds with downsamples, and
// 72x100 odd-sized levels the top-down sums.
func TestHeadsSameForThreads(t *testing.T) {
	for _, name := range []string{"basic_v1", "bottleneck_v2"} {
		cfg, weights, err := net.ReadModelFile("../testdata/golden/" + name + ".safetensors")
		if err != nil {
			t.Fatal(err)
		}
		img := randomImage(rand.New(rand.NewSource(5)), 72, 100)
		var want [][2][]float32
		for threads := 1; threads <= 5; threads++ {
			c, err := NewCalibrator(cfg, weights, threads)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Add(randomImage(rand.New(rand.NewSource(9)), 72, 100)); err != nil {
				t.Fatal(err)
			}
			m, _, err := c.Quantize(RuleMinMax)
			if err != nil {
				t.Fatal(err)
			}
			levels, err := m.Heads(img.H, img.W, img.Data)
			if err != nil {
				t.Fatal(err)
			}
			for l, lv := range levels {
				if threads == 1 {
					want = append(want, [2][]float32{append([]float32(nil), lv.Logits...), append([]float32(nil), lv.Deltas...)})
					continue
				}
				for k, got := range [2][]float32{lv.Logits, lv.Deltas} {
					for i, v := range got {
						if v != want[l][k][i] {
							t.Fatalf("%s, %d threads: level %d output %d differs at %d: %g, 1 thread %g", name, threads, l, k, i, v, want[l][k][i])
						}
					}
				}
			}
			m.Close() // and the calibrator's engine, which it shares
		}
	}
}

// TestTowersSideBySideFromTwoThreads: the heads' towers get lanes of
// half the threads each from two threads on, and none on one thread or
// with GroupNorm towers (whose norm scratch the lanes would share).
func TestTowersSideBySideFromTwoThreads(t *testing.T) {
	for _, tc := range []struct {
		name       string
		sideBySide bool
	}{{"basic_v1", true}, {"bottleneck_v2", false}} {
		cfg, weights, err := net.ReadModelFile("../testdata/golden/" + tc.name + ".safetensors")
		if err != nil {
			t.Fatal(err)
		}
		for _, threads := range []int{1, 2, 3, 4} {
			c, err := NewCalibrator(cfg, weights, threads)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Add(randomImage(rand.New(rand.NewSource(9)), 72, 100)); err != nil {
				t.Fatal(err)
			}
			m, _, err := c.Quantize(RuleMinMax)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.sideBySide && threads >= 2
			if got := m.lanes[0] != nil; got != want {
				t.Errorf("%s, %d threads: towers side by side %v, want %v", tc.name, threads, got, want)
			} else if want && (m.lanes[0].Threads() != (threads+1)/2 || m.lanes[1].Threads() != threads/2) {
				t.Errorf("%s, %d threads: lanes of %d and %d threads, want %d and %d", tc.name, threads,
					m.lanes[0].Threads(), m.lanes[1].Threads(), (threads+1)/2, threads/2)
			}
			m.Close()
		}
	}
}
