//go:build !purego

#include "textflag.h"

// func gatherEven8(dst, src *int8, blocks int)
//
// dst[i] = src[2i] for i < 16*blocks: the low byte of each word (PAND
// 0x00ff), packed (PACKUSWB; the words are 0..255, so nothing saturates).
TEXT ·gatherEven8(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ blocks+16(FP), CX
	PCMPEQW X7, X7
	PSRLW $8, X7
	TESTQ CX, CX
	JZ done

loop:
	MOVOU (SI), X0
	MOVOU 16(SI), X1
	PAND X7, X0
	PAND X7, X1
	PACKUSWB X1, X0
	MOVOU X0, (DI)
	ADDQ $32, SI
	ADDQ $16, DI
	DECQ CX
	JNZ loop

done:
	RET

// func gatherEvenRows8(dst *int8, ldd int, src *int8, lds, n, rows int)
//
// dst[r*ldd+i] = src[r*lds+2i] for i < n, r < rows (n >= 1): 32 outputs a
// block, the low byte of each of 32 words (VPMOVWB); the last block of a
// row loads only the 2t-1 bytes its t outputs read and stores only those
// t, so no row is read or written past its end.
TEXT ·gatherEvenRows8(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	MOVQ n+32(FP), R10
	MOVQ rows+40(FP), R11
	TESTQ R11, R11
	JZ done
	// blocks = (n-1)/32 whole ones, then t = n - 32*blocks in 1..32
	LEAQ -1(R10), R12
	SHRQ $5, R12
	MOVQ R12, R13
	SHLQ $5, R13
	MOVQ R10, CX
	SUBQ R13, CX // t
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVQ AX, K2 // store mask: t bytes
	LEAQ -1(CX)(CX*1), CX
	MOVQ $1, AX
	SHLQ CX, AX
	DECQ AX
	KMOVQ AX, K1 // load mask: 2t-1 bytes

row:
	MOVQ DI, AX
	MOVQ SI, BX
	MOVQ R12, DX
	TESTQ DX, DX
	JZ tail

block:
	VMOVDQU8 (BX), Z0
	VPMOVWB Z0, Y1
	VMOVDQU8 Y1, (AX)
	ADDQ $64, BX
	ADDQ $32, AX
	DECQ DX
	JNZ block

tail:
	VMOVDQU8.Z (BX), K1, Z0
	VPMOVWB Z0, Y1
	VMOVDQU8 Y1, K2, (AX)
	ADDQ R8, DI
	ADDQ R9, SI
	DECQ R11
	JNZ row
	VZEROUPPER

done:
	RET
