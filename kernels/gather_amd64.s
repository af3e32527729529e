//go:build !purego

#include "textflag.h"

// The even elements of two 16-float vectors, in order: VPERMI2PS indexes,
// shared with the Winograd input transform (winograd_amd64.s).
DATA ·evenLanes+0(SB)/4, $0
DATA ·evenLanes+4(SB)/4, $2
DATA ·evenLanes+8(SB)/4, $4
DATA ·evenLanes+12(SB)/4, $6
DATA ·evenLanes+16(SB)/4, $8
DATA ·evenLanes+20(SB)/4, $10
DATA ·evenLanes+24(SB)/4, $12
DATA ·evenLanes+28(SB)/4, $14
DATA ·evenLanes+32(SB)/4, $16
DATA ·evenLanes+36(SB)/4, $18
DATA ·evenLanes+40(SB)/4, $20
DATA ·evenLanes+44(SB)/4, $22
DATA ·evenLanes+48(SB)/4, $24
DATA ·evenLanes+52(SB)/4, $26
DATA ·evenLanes+56(SB)/4, $28
DATA ·evenLanes+60(SB)/4, $30
GLOBL ·evenLanes(SB), RODATA|NOPTR, $64

// func gatherEvenAVX512(dst, src *float32, blocks int)
TEXT ·gatherEvenAVX512(SB), NOSPLIT, $0-24
	MOVQ      dst+0(FP), DI
	MOVQ      src+8(FP), SI
	MOVQ      blocks+16(FP), CX
	VMOVUPS   ·evenLanes(SB), Z2

geven512:
	VMOVUPS   (SI), Z0
	VMOVAPS   Z2, Z1
	VPERMI2PS 64(SI), Z0, Z1
	VMOVUPS   Z1, (DI)
	ADDQ      $128, SI
	ADDQ      $64, DI
	DECQ      CX
	JNE       geven512
	VZEROUPPER
	RET

// func gatherEvenAVX2(dst, src *float32, blocks int)
TEXT ·gatherEvenAVX2(SB), NOSPLIT, $0-24
	MOVQ    dst+0(FP), DI
	MOVQ    src+8(FP), SI
	MOVQ    blocks+16(FP), CX

geven256:
	VMOVUPS (SI), Y0
	VSHUFPS $0x88, 32(SI), Y0, Y1
	VPERMPD $0xd8, Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ    $64, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     geven256
	VZEROUPPER
	RET
