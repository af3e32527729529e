//go:build !purego

#include "textflag.h"

// Signed byte max in SSE2: flip the sign bits (x ^ 0x80 orders like
// uint8), PMAXUB, flip back.

// func maxBytesSSE2(dst, a, b *int8, blocks int)
TEXT ·maxBytesSSE2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ blocks+24(FP), CX
	MOVL $0x80808080, AX
	MOVD AX, X6
	PSHUFD $0, X6, X6
	TESTQ CX, CX
	JZ mdone

mloop:
	MOVOU (SI), X0
	MOVOU (DX), X1
	PXOR X6, X0
	PXOR X6, X1
	PMAXUB X1, X0
	PXOR X6, X0
	MOVOU X0, (DI)
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, DI
	DECQ CX
	JNZ mloop

mdone:
	RET

// func pool3s2SSE2(dst, p *int8, blocks int)
//
// 16 outputs a step from A = p[32k:32k+32] and B = p[32k+1:32k+33]:
// max(A, B) has max(p[2i], p[2i+1]) at its even bytes, B has p[2i+2] at
// its odd ones; PAND/PSRLW and PACKUSWB take those bytes out.
TEXT ·pool3s2SSE2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ p+8(FP), SI
	MOVQ blocks+16(FP), CX
	MOVL $0x80808080, AX
	MOVD AX, X6
	PSHUFD $0, X6, X6
	PCMPEQW X7, X7
	PSRLW $8, X7 // 0x00ff per word
	TESTQ CX, CX
	JZ pdone

ploop:
	MOVOU (SI), X0
	MOVOU 16(SI), X1
	MOVOU 1(SI), X2
	MOVOU 17(SI), X3
	PXOR X6, X0
	PXOR X6, X1
	PXOR X6, X2
	PXOR X6, X3
	PMAXUB X2, X0
	PMAXUB X3, X1
	PAND X7, X0
	PAND X7, X1
	PACKUSWB X1, X0
	PSRLW $8, X2
	PSRLW $8, X3
	PACKUSWB X3, X2
	PMAXUB X2, X0
	PXOR X6, X0
	MOVOU X0, (DI)
	ADDQ $32, SI
	ADDQ $16, DI
	DECQ CX
	JNZ ploop

pdone:
	RET
