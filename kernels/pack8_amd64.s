//go:build !purego

#include "textflag.h"

// func packB8Groups(dst *uint32, b *int8, ldb, groups, n4, nr int, flip uint32)
//
// For each of groups groups of four rows of B (row stride ldb), interleaves
// n4*4 columns into one 32-bit word per column (row t in byte t), XORed
// with flip; group g's words start nr words after group g-1's. 16 columns
// per step, then steps of 8 and 4 (SSE2).
TEXT ·packB8Groups(SB), NOSPLIT, $0-52
	MOVQ dst+0(FP), DI
	MOVQ b+8(FP), SI
	MOVQ ldb+16(FP), BX
	MOVQ groups+24(FP), R9
	MOVQ n4+32(FP), R10
	MOVQ nr+40(FP), R11
	SHLQ $2, R11 // bytes per group of dst
	MOVL flip+48(FP), AX
	MOVD AX, X7
	PSHUFD $0, X7, X7
	TESTQ R9, R9
	JZ done
	TESTQ R10, R10
	JZ done

group:
	MOVQ SI, R12
	LEAQ (SI)(BX*2), R13
	MOVQ DI, R14
	MOVQ R10, CX
	CMPQ CX, $4
	JL eight

sixteen:
	MOVOU (R12), X0
	MOVOU (R12)(BX*1), X1
	MOVOU (R13), X2
	MOVOU (R13)(BX*1), X3
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
	MOVOU X0, (R14)
	MOVOU X1, 16(R14)
	MOVOU X4, 32(R14)
	MOVOU X3, 48(R14)
	ADDQ $16, R12
	ADDQ $16, R13
	ADDQ $64, R14
	SUBQ $4, CX
	CMPQ CX, $4
	JGE sixteen

eight:
	CMPQ CX, $2
	JL four
	MOVQ (R12), X0
	MOVQ (R12)(BX*1), X1
	MOVQ (R13), X2
	MOVQ (R13)(BX*1), X3
	PUNPCKLBW X1, X0
	PUNPCKLBW X3, X2
	MOVO X0, X1
	PUNPCKLWL X2, X0
	PUNPCKHWL X2, X1
	PXOR X7, X0
	PXOR X7, X1
	MOVOU X0, (R14)
	MOVOU X1, 16(R14)
	ADDQ $8, R12
	ADDQ $8, R13
	ADDQ $32, R14
	SUBQ $2, CX

four:
	TESTQ CX, CX
	JZ next
	MOVL (R12), X0
	MOVL (R12)(BX*1), X1
	MOVL (R13), X2
	MOVL (R13)(BX*1), X3
	PUNPCKLBW X1, X0
	PUNPCKLBW X3, X2
	PUNPCKLWL X2, X0
	PXOR X7, X0
	MOVOU X0, (R14)

next:
	LEAQ (SI)(BX*4), SI
	ADDQ R11, DI
	DECQ R9
	JNZ group

done:
	RET
