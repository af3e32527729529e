package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// winogradBenchWidths are the tile rows of the 320x320 network (10, 5, 3
// and 1 tiles: P3..P7 with F(4x4), layer3 with F(2x2)) and one whole
// AVX-512 block.
var winogradBenchWidths = []int{1, 3, 5, 10, 16}

// winogradBenchStride is the transformed matrices' row stride: the head
// convs' 256 channels times the 139 tiles of all levels at 320x320, so the
// 16 or 36 rows a call touches are as far apart as in the network.
const winogradBenchStride = 256 * 139

// BenchmarkWinogradRows times each tier's four row transforms (F(2x2) and
// F(4x4), input and output with ReLU) on one tile row; ns/tile is the
// figure to compare across widths and tiers.
func BenchmarkWinogradRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	stride := winogradBenchStride
	v := randSlice(rng, 36*stride)
	for _, im := range tiers {
		for _, tw := range winogradBenchWidths {
			rows := randSlice(rng, 6*Winograd4RowWidth(tw))
			dst := randSlice(rng, 16*tw)
			for _, c := range []struct {
				name string
				run  func()
			}{
				{"F2in", func() { im.WinogradInputRow(rows, WinogradRowWidth(tw), tw, v, stride) }},
				{"F2out", func() { im.WinogradOutputRow(v, stride, tw, 0.25, true, false, dst[:2*tw], dst[2*tw:4*tw]) }},
				{"F4in", func() { im.Winograd4InputRow(rows, Winograd4RowWidth(tw), tw, v, stride) }},
				{"F4out", func() { im.Winograd4OutputRow(v, stride, tw, 0.25, true, false, dst, 4*tw) }},
			} {
				b.Run(fmt.Sprintf("%s/%s/tw=%d", im.Name, c.name, tw), func(b *testing.B) {
					for b.Loop() {
						c.run()
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*tw), "ns/tile")
				})
			}
		}
	}
}

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
	{"layer2-F4", 4, 128, []int{10}},           // 40x40
	{"layer3-F2", 2, 256, []int{10}},           // 20x20
	{"layer1-F2", 2, 64, []int{40}},            // 80x80
}

// BenchmarkWinogradLayers times the transforms of whole convs as the
// network lays them out: every channel's tile rows, the levels' tiles side
// by side in matrices of one column per tile. Each run takes the next of
// several copies of the transformed data (64 MB in all), so it comes from
// memory as in the network, where the GEMMs between the transforms push
// it out of the caches.
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
					for i := 0; b.Loop(); i++ {
						v := vs[i%len(vs)]
						off := 0
						for _, tw := range l.levels {
							for c := range l.ch {
								pass.run(im, tw, v[c*total+off:])
							}
							off += tw * tw
						}
					}
				})
			}
		}
	}
}
