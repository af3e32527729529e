//go:build !purego

#include "textflag.h"

// The int8 Winograd weight transform (wino8WeightsGo), 32 int16 lanes to a
// vector: every lane is one output row and input channel's 3x3 taps, so
// the transform is lane by lane, without shuffles. Hand-written (not by
// asmgen8_amd64.go).

// W8ROW is wino8G applied to one line of three taps a, b, c: G'[0] = a and
// G'[5] = c need no work; o1..o4 get -(a+b+c), b-(a+c), a+2b+4c, a-2b+4c.
// Z31 is zero; Z28..Z30 are scratch.
#define W8ROW(a, b, c, o1, o2, o3, o4) \
	VPADDW a, c, Z28; \
	VPSUBW Z28, Z31, o1; \
	VPSUBW b, o1, o1; \
	VPSUBW Z28, b, o2; \
	VPSLLW $2, c, Z29; \
	VPADDW a, Z29, Z29; \
	VPADDW b, b, Z30; \
	VPADDW Z30, Z29, o3; \
	VPSUBW Z30, Z29, o4

// W8STORE transforms the row of t (a, b, c) into six points and stores
// them at AX, AX+R9, ..., advancing AX past them.
#define W8STORE(a, b, c) \
	W8ROW(a, b, c, Z21, Z22, Z23, Z24); \
	VMOVDQU16 a, (AX); \
	ADDQ R9, AX; \
	VMOVDQU16 Z21, (AX); \
	ADDQ R9, AX; \
	VMOVDQU16 Z22, (AX); \
	ADDQ R9, AX; \
	VMOVDQU16 Z23, (AX); \
	ADDQ R9, AX; \
	VMOVDQU16 Z24, (AX); \
	ADDQ R9, AX; \
	VMOVDQU16 c, (AX); \
	ADDQ R9, AX

// func wino8WeightsAVX512(u *int16, raw *int8, vecs, ptStride int)
TEXT ·wino8WeightsAVX512(SB), NOSPLIT, $0-32
	MOVQ u+0(FP), DI
	MOVQ raw+8(FP), SI
	MOVQ vecs+16(FP), CX
	MOVQ ptStride+24(FP), R9
	VPXORD Z31, Z31, Z31
	TESTQ CX, CX
	JZ done

loop:
	// the nine taps g[ky][kx] into Z(3ky+kx), 32 bytes each; the
	// weights come from memory (the network's do not stay in the
	// caches), so fetch those of ten vectors on
	PREFETCHT0 2880(SI)
	PREFETCHT0 2944(SI)
	PREFETCHT0 3008(SI)
	PREFETCHT0 3072(SI)
	PREFETCHT0 3136(SI)
	VPMOVSXBW 0(SI), Z0
	VPMOVSXBW 32(SI), Z1
	VPMOVSXBW 64(SI), Z2
	VPMOVSXBW 96(SI), Z3
	VPMOVSXBW 128(SI), Z4
	VPMOVSXBW 160(SI), Z5
	VPMOVSXBW 192(SI), Z6
	VPMOVSXBW 224(SI), Z7
	VPMOVSXBW 256(SI), Z8

	// t = G' g, column kx: rows 1..4 into Z(9+4kx)..Z(12+4kx); rows 0
	// and 5 are g's rows 0 and 2
	W8ROW(Z0, Z3, Z6, Z9, Z10, Z11, Z12)
	W8ROW(Z1, Z4, Z7, Z13, Z14, Z15, Z16)
	W8ROW(Z2, Z5, Z8, Z17, Z18, Z19, Z20)

	// U = t G'^T, row by row: points 6i..6i+5
	MOVQ DI, AX
	W8STORE(Z0, Z1, Z2)
	W8STORE(Z9, Z13, Z17)
	W8STORE(Z10, Z14, Z18)
	W8STORE(Z11, Z15, Z19)
	W8STORE(Z12, Z16, Z20)
	W8STORE(Z6, Z7, Z8)

	ADDQ $288, SI
	ADDQ $64, DI
	DECQ CX
	JNZ loop

done:
	VZEROUPPER
	RET
