package net

import "strings"

// winogradTileFor is the per-shape algorithm table: the output tile side
// of the Winograd conv that computes s (2 for F(2x2, 3x3), 4 for F(4x4,
// 3x3)), or 0 for im2col + GEMM. Every head conv gets the same tile: they
// run over all levels' tiles at once and share transformed inputs.
func winogradTileFor(s ArchConv) int {
	switch {
	case !winogradFits(s.K, s.Stride, s.Pad):
		return 0
	case strings.HasPrefix(s.Name, "head."):
		return 4
	case s.InC <= 64:
		return 2
	}
	return 0
}
