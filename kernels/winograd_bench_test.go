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
