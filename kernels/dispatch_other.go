//go:build purego || !(amd64 || arm64)

package kernels

// archTiers: without assembly only the generic tier exists.
func archTiers() []*Impl { return nil }

// Features describes the CPU features that matter to retina's tiers.
func Features() string { return "generic build (no assembly)" }
