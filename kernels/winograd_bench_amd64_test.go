//go:build !purego

package kernels

import (
	"math/rand/v2"
	"testing"
	"time"
)

// winogradLayers are convs of the 320x320 network whose transforms the
// Winograd benchmarks time: the tile size, the channels and each level's
// square grid of tiles (its width).
var winogradLayers = []struct {
	name   string
	tile   int
	ch     int
	levels []int
}{
	{"head-F4", 4, 256, []int{10, 5, 3, 2, 1}}, // P3..P7 side by side
	{"cls-F4", 4, 720, []int{10, 5, 3, 2, 1}},  // its output transform: 80 classes x 9 anchors
	{"layer2-F4", 4, 128, []int{10}},           // 40x40
	{"layer3-F2", 2, 256, []int{10}},           // 20x20
	{"layer1-F2", 2, 64, []int{40}},            // 80x80
}

// BenchmarkWinogradLayers times the transforms of whole convs as the
// network lays them out: every channel's tile rows, the levels' tiles side
// by side in matrices of one column per tile. Each run takes the next of
// several copies of the transformed data (64 MB in all), so it comes from
// memory as in the network, where the GEMMs between the transforms push
// it out of the caches. On a shared machine, min-us (the fastest run) says
// more than ns/op.
func BenchmarkWinogradLayers(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, l := range winogradLayers {
		total := 0
		for _, tw := range l.levels {
			total += tw * tw
		}
		n, stride := l.tile+2, l.ch*total
		vs := make([][]float32, max(2, (64<<20)/(4*n*n*stride))) // 64 MB, twice the L3
		for i := range vs {
			vs[i] = randSlice(rng, n*n*stride)
		}
		rows := randSlice(rng, (l.tile*l.levels[0]+2)*Winograd4RowWidth(l.levels[0]))
		dst := randSlice(rng, l.tile*l.tile*l.levels[0])
		input := func(im *Impl, tw int, v []float32) {
			for ty := range tw {
				if l.tile == 2 {
					pw := WinogradRowWidth(tw)
					im.WinogradInputRow(rows[2*ty*pw:], pw, tw, v[ty*tw:], stride)
				} else {
					pw := Winograd4RowWidth(tw)
					im.Winograd4InputRow(rows[4*ty*pw:], pw, tw, v[ty*tw:], stride)
				}
			}
		}
		output := func(im *Impl, tw int, v []float32) {
			for ty := range tw {
				if l.tile == 2 {
					im.WinogradOutputRow(v[ty*tw:], stride, tw, 0.25, true, false, dst[:2*tw], dst[2*tw:4*tw])
				} else {
					im.Winograd4OutputRow(v[ty*tw:], stride, tw, 0.25, true, false, dst, 4*tw)
				}
			}
		}
		for _, im := range tiers {
			for _, pass := range []struct {
				name string
				run  func(im *Impl, tw int, v []float32)
			}{{"input", input}, {"output", output}} {
				b.Run(l.name+"/"+im.Name+"/"+pass.name, func(b *testing.B) {
					best := time.Duration(1 << 62)
					for i := 0; b.Loop(); i++ {
						t0 := time.Now()
						v := vs[i%len(vs)]
						off := 0
						for _, tw := range l.levels {
							for c := range l.ch {
								pass.run(im, tw, v[c*total+off:])
							}
							off += tw * tw
						}
						best = min(best, time.Since(t0))
					}
					b.ReportMetric(float64(best.Nanoseconds())/1e3, "min-us")
				})
			}
		}
	}
}
