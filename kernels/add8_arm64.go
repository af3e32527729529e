//go:build !purego

package kernels

// addInt8NEON runs AddInt8 on blocks*8 values:
//
//	for i := 0; i < 8*blocks; i++ {
//		dst[i] = a.one(x[i], y[i], c)
//	}
//
//go:noescape
func addInt8NEON(dst, x, y *int8, blocks int, c *addConsts)

// addInt8Vec runs addInt8NEON (every arm64 CPU has ASIMD).
func addInt8Vec(dst, x, y *int8, blocks int, c *addConsts) bool {
	addInt8NEON(dst, x, y, blocks, c)
	return true
}
