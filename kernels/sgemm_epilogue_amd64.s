//go:build !purego

#include "textflag.h"

// func epilogueRowsAVX2(c *float32, ldc, rows, cols int, bias *float32, biasStep, relu int, mask *int32)
//
// For each of rows rows of cols values of c (row stride ldc floats), adds
// the row's bias (bias advances biasStep bytes a row: 0 keeps one value)
// and, with relu != 0, takes max(x, 0) as Go's max does: VMAXPS with x
// second keeps a NaN x, and adding +0 turns its -0 into +0. The last
// cols%8 values of a row load and store under the VMASKMOVPS mask at mask.
TEXT ·epilogueRowsAVX2(SB), NOSPLIT, $0-64
	MOVQ    c+0(FP), DI
	MOVQ    ldc+8(FP), R8
	MOVQ    rows+16(FP), CX
	MOVQ    cols+24(FP), R9
	MOVQ    bias+32(FP), SI
	MOVQ    biasStep+40(FP), R11
	MOVQ    relu+48(FP), R10
	MOVQ    mask+56(FP), AX
	VMOVDQU (AX), Y14
	VXORPS  Y13, Y13, Y13
	SHLQ    $2, R8         // row stride in bytes
	MOVQ    R9, R12
	ANDQ    $-8, R12
	SHLQ    $2, R12        // bytes in whole vectors
	ANDQ    $7, R9         // values in the masked vector
	TESTQ   CX, CX
	JE      epdone

eprow:
	VBROADCASTSS (SI), Y15
	ADDQ         R11, SI
	XORQ         DX, DX
	CMPQ         DX, R12
	JGE          eppart

epwhole:
	VADDPS  (DI)(DX*1), Y15, Y0
	TESTQ   R10, R10
	JE      epstore
	VMAXPS  Y0, Y13, Y0
	VADDPS  Y13, Y0, Y0

epstore:
	VMOVUPS Y0, (DI)(DX*1)
	ADDQ    $32, DX
	CMPQ    DX, R12
	JL      epwhole

eppart:
	TESTQ      R9, R9
	JE         epnext
	VMASKMOVPS (DI)(DX*1), Y14, Y0
	VADDPS     Y0, Y15, Y0
	TESTQ      R10, R10
	JE         eppartstore
	VMAXPS     Y0, Y13, Y0
	VADDPS     Y13, Y0, Y0

eppartstore:
	VMASKMOVPS Y0, Y14, (DI)(DX*1)

epnext:
	ADDQ R8, DI
	DECQ CX
	JNZ  eprow

epdone:
	VZEROUPPER
	RET
