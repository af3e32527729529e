package kernels

import "unsafe"

// sgemmTileGeneric is the pure-Go 4x8 micro-kernel of the generic tier.
// It follows the same contract as the assembly tiles: a is kc steps of 4
// values, b is kc steps of 8 values, c is a 4x8 tile with row stride ldc.
func sgemmTileGeneric(kc int, a, b, c *float32, ldc int, accumulate int) {
	const mr, nr = 4, 8
	as := unsafe.Slice(a, kc*mr)
	bs := unsafe.Slice(b, kc*nr)
	var acc [mr][nr]float32
	for p := 0; p < kc; p++ {
		bp := bs[p*nr : p*nr+nr : p*nr+nr]
		ap := as[p*mr : p*mr+mr : p*mr+mr]
		for i := 0; i < mr; i++ {
			ai := ap[i]
			row := &acc[i]
			for j := 0; j < nr; j++ {
				row[j] += ai * bp[j]
			}
		}
	}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := 0; i < mr; i++ {
		row := cs[i*ldc : i*ldc+nr : i*ldc+nr]
		if accumulate != 0 {
			for j := range row {
				row[j] += acc[i][j]
			}
		} else {
			copy(row, acc[i][:])
		}
	}
}
