//go:build purego || !(amd64 || arm64)

package kernels

// addInt8Vec: no AddInt8 kernel without assembly; the Go loop runs.
func addInt8Vec(dst, x, y *int8, blocks int, c *addConsts) bool { return false }
