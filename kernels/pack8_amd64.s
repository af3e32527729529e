//go:build !purego

#include "textflag.h"

// func packB8Quad(dst *uint32, b *int8, ldb int, n16 int, flip uint32)
//
// Interleaves four rows of B (row stride ldb), 16 columns per step, into one
// 32-bit word per column (row t in byte t), XORed with flip.
TEXT ·packB8Quad(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), BX
	MOVQ n16+24(FP), CX
	MOVL flip+32(FP), AX
	MOVD AX, X7
	PSHUFD $0, X7, X7
	LEAQ (SI)(BX*2), DX
	TESTQ CX, CX
	JZ done
loop:
	MOVOU (SI), X0
	MOVOU (SI)(BX*1), X1
	MOVOU (DX), X2
	MOVOU (DX)(BX*1), X3
	MOVO X0, X4
	PUNPCKLBW X1, X0
	PUNPCKHBW X1, X4
	MOVO X2, X5
	PUNPCKLBW X3, X2
	PUNPCKHBW X3, X5
	MOVO X0, X1
	PUNPCKLWL X2, X0
	PUNPCKHWL X2, X1
	MOVO X4, X3
	PUNPCKLWL X5, X4
	PUNPCKHWL X5, X3
	PXOR X7, X0
	PXOR X7, X1
	PXOR X7, X4
	PXOR X7, X3
	MOVOU X0, (DI)
	MOVOU X1, 16(DI)
	MOVOU X4, 32(DI)
	MOVOU X3, 48(DI)
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $64, DI
	DECQ CX
	JNZ loop
done:
	RET
