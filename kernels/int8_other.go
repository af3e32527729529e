//go:build !(amd64 || arm64) || purego

package kernels

// archInt8Tiers: no int8 assembly on this architecture yet.
func archInt8Tiers() []*Int8Impl { return nil }
