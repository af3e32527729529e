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

func init() { addInt8Fn = addInt8NEON }
