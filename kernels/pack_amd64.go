//go:build !purego

package kernels

// prefetchRowsAmd64 prefetches rows x cols values of b with row stride ld.
func prefetchRowsAmd64(b []float32, rows, ld, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	// Prefetches never fault, but keep the addresses inside b all the same.
	_ = b[(rows-1)*ld+cols-1]
	prefetchRowsT0(&b[0], rows, ld, cols)
}

// prefetchRowsT0 hints the cache lines of a block of rows:
//
//	for r := 0; r < rows; r++ {
//		for c := 0; c < cols; c += 16 {
//			prefetch(&p[r*ld+c])
//		}
//	}
//
//go:noescape
func prefetchRowsT0(p *float32, rows, ld, cols int)

// packARowsAmd64 is packARows with the 6-row panels of both amd64 tiers
// interleaved in assembly; other heights take the Go path.
func packARowsAmd64(panel []float32, mr, k int, a []float32, lda int) {
	if mr != 6 || k == 0 {
		packARowsGeneric(panel, mr, mr, k, a, lda)
		return
	}
	// The assembly reads 6 rows of k values and writes 6*k: check first.
	_ = a[5*lda+k-1]
	_ = panel[6*k-1]
	packA6Rows(&panel[0], &a[0], k, lda)
}

// packA6Rows interleaves 6 rows of A into a packed panel:
//
//	for p := 0; p < k; p++ {
//		for r := 0; r < 6; r++ {
//			dst[p*6+r] = src[r*lda+p]
//		}
//	}
//
//go:noescape
func packA6Rows(dst, src *float32, k, lda int)

// packBPanelsVector is packBPanelsGeneric in AVX2 for nr a multiple of 16.
func packBPanelsVector(dst []float32, nr, kc, panels int, alpha float32, b []float32, ldb int) {
	if nr%16 != 0 {
		packBPanelsGeneric(dst, nr, kc, panels, alpha, b, ldb)
		return
	}
	if kc == 0 || panels == 0 {
		return
	}
	// The assembly reads rows 0..kc-1, columns 0..panels*nr-1 of b and writes
	// panels*kc*nr values of dst: check both before trusting pointers.
	_ = b[(kc-1)*ldb+panels*nr-1]
	_ = dst[panels*kc*nr-1]
	packBPanelsAVX2(&dst[0], &b[0], kc, panels, nr, ldb, alpha)
}

// packBPanelsAVX2 packs whole panels of nr columns (nr a multiple of 16):
//
//	for q := 0; q < panels; q++ {
//		for p := 0; p < kc; p++ {
//			for c := 0; c < nr; c++ {
//				dst[(q*kc+p)*nr+c] = alpha * src[p*ldb+q*nr+c]
//			}
//		}
//	}
//
//go:noescape
func packBPanelsAVX2(dst, src *float32, kc, panels, nr, ldb int, alpha float32)

// packBEdgeVector is packBEdgeGeneric in AVX2 for nr a multiple of 8.
func packBEdgeVector(panel []float32, nr, kc, cols int, alpha float32, b []float32, ldb int) {
	if nr%8 != 0 || cols <= 0 || cols >= nr {
		packBEdgeGeneric(panel, nr, kc, cols, alpha, b, ldb)
		return
	}
	if kc == 0 {
		return
	}
	// The assembly reads kc rows of cols values of b and writes kc*nr
	// values of panel: check both before trusting pointers.
	_ = b[(kc-1)*ldb+cols-1]
	_ = panel[kc*nr-1]
	packBEdgeAVX2(&panel[0], &b[0], kc, cols, nr, ldb, alpha, &avx2EdgeMasks[8-cols%8])
}

// packBEdgeAVX2 packs a partial panel of cols < nr columns:
//
//	for p := 0; p < kc; p++ {
//		for c := 0; c < nr; c++ {
//			dst[p*nr+c] = 0
//			if c < cols {
//				dst[p*nr+c] = alpha * src[p*ldb+c]
//			}
//		}
//	}
//
//go:noescape
func packBEdgeAVX2(dst, src *float32, kc, cols, nr, ldb int, alpha float32, mask *int32)
