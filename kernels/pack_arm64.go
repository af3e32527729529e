//go:build !purego

package kernels

// The neon tier packs B with NEON (ASIMD is part of every arm64 CPU).

// packBPanelsNEON is packBPanelsGeneric with 12-column panels (the neon
// tier's NR) copied by NEON; other panel widths take the generic path.
func packBPanelsNEON(dst []float32, nr, kc, panels int, alpha float32, b []float32, ldb int) {
	if nr != 12 {
		packBPanelsGeneric(dst, nr, kc, panels, alpha, b, ldb)
		return
	}
	if kc == 0 || panels == 0 {
		return
	}
	// The assembly reads rows 0..kc-1, columns 0..panels*12-1 of b and writes
	// panels*kc*12 values of dst: check both before trusting pointers.
	_ = b[(kc-1)*ldb+panels*nr-1]
	_ = dst[panels*kc*nr-1]
	packBPanels12NEON(&dst[0], &b[0], kc, panels, ldb, alpha)
}

// packBPanels12NEON packs whole panels of 12 columns:
//
//	for q := 0; q < panels; q++ {
//		for p := 0; p < kc; p++ {
//			for c := 0; c < 12; c++ {
//				dst[(q*kc+p)*12+c] = alpha * src[p*ldb+q*12+c]
//			}
//		}
//	}
//
//go:noescape
func packBPanels12NEON(dst, src *float32, kc, panels, ldb int, alpha float32)
