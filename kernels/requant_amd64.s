//go:build !purego

#include "textflag.h"

// Requantization of finished int32 tiles into int8, bit-exact with
// requantRowGo. Per row, from its rqRow (add 0, mult 4, left 8, right 12,
// mask 16, half 20):
//
//	x    = (acc + add) << left                   (wrapping, as int32 does)
//	high = int32((int64(x)*mult + 1<<30) >> 31)   (SaturatingRoundingDoublingHighMul;
//	                                              its one overflow, MinInt32*MinInt32,
//	                                              is left to Go)
//	out  = high>>right + (high&mask > half + (high<0 ? 1 : 0))
//	dst  = int8(clamp(out, lo, hi) + zero)
//
// The 64-bit products come from VPMULDQ on the even dwords and on the odd
// dwords shifted down; bits 31..62 of product+2^30 are the result, so a
// logical 64-bit shift serves (AVX2 has no arithmetic one).

// REQUANT16 requantizes the 16 lanes of Z0 in place with the row constants
// of requantAVX512 (Z16 add, Z17 mult, X8 left, X9 right, Z25 mask, Z26
// half, Z20 lo, Z21 hi, Z22 zero, Z23 nudge, Z24 ones, K1 odd dwords);
// clobbers Z1-Z3 and K2. The high product's even dwords come from Z2, its
// odd ones from Z3 (merged under K1); the threshold is half, + 1 when
// high < 0; K2 marks remainder > threshold.
#define REQUANT16 \
	VPADDD    Z16, Z0, Z0;      \
	VPSLLD    X8, Z0, Z0;       \
	VPSRLQ    $32, Z0, Z1;      \
	VPMULDQ   Z17, Z0, Z2;      \
	VPMULDQ   Z17, Z1, Z3;      \
	VPADDQ    Z23, Z2, Z2;      \
	VPADDQ    Z23, Z3, Z3;      \
	VPSRLQ    $31, Z2, Z2;      \
	VPSLLQ    $1, Z3, Z3;       \
	VMOVDQA32 Z3, K1, Z2;       \
	VPSRAD    X9, Z2, Z0;       \
	VPANDD    Z25, Z2, Z1;      \
	VPSRAD    $31, Z2, Z3;      \
	VPSUBD    Z3, Z26, Z3;      \
	VPCMPGTD  Z3, Z1, K2;       \
	VPADDD    Z24, Z0, K2, Z0;  \
	VPMAXSD   Z20, Z0, Z0;      \
	VPMINSD   Z21, Z0, Z0;      \
	VPADDD    Z22, Z0, Z0

// func requantAVX512(dst *int8, ldd int, src *int32, lds, rows, n int, rp *rqRow, lo, hi, zero int32)
TEXT ·requantAVX512(SB), NOSPLIT, $0-68
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), R10
	MOVQ n+40(FP), R11
	MOVQ rp+48(FP), BX
	MOVL lo+56(FP), AX
	VPBROADCASTD AX, Z20
	MOVL hi+60(FP), AX
	VPBROADCASTD AX, Z21
	MOVL zero+64(FP), AX
	VPBROADCASTD AX, Z22
	MOVQ $0x40000000, AX
	VPBROADCASTQ AX, Z23 // the rounding nudge, 2^30, per qword
	MOVL $1, AX
	VPBROADCASTD AX, Z24
	MOVL $0xaaaa, AX
	KMOVW AX, K1 // the odd dwords
	MOVQ R11, CX
	ANDQ $15, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K3 // the last n%16 columns
	TESTQ R10, R10
	JZ done

row:
	VPBROADCASTD 0(BX), Z16
	VPBROADCASTD 4(BX), Z17
	VMOVD 8(BX), X8
	VMOVD 12(BX), X9
	VPBROADCASTD 16(BX), Z25
	VPBROADCASTD 20(BX), Z26
	MOVQ SI, R12
	MOVQ DI, R13
	MOVQ R11, CX
	CMPQ CX, $16
	JL   tail

vec:
	VMOVDQU32 (R12), Z0
	REQUANT16
	VPMOVDB Z0, (R13)
	ADDQ $64, R12
	ADDQ $16, R13
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  vec

tail:
	TESTQ CX, CX
	JZ    next
	VMOVDQU32.Z (R12), K3, Z0
	REQUANT16
	VPMOVDB Z0, K3, (R13)

next:
	ADDQ $32, BX
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ R10
	JNZ  row

done:
	VZEROUPPER
	RET

// func requantAVX2(dst *int8, ldd int, src *int32, lds, rows, n int, rp *rqRow, lo, hi, zero int32)
//
// n is a multiple of 8.
TEXT ·requantAVX2(SB), NOSPLIT, $0-68
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), R10
	MOVQ n+40(FP), R11
	MOVQ rp+48(FP), BX
	MOVL lo+56(FP), AX
	VMOVD AX, X10
	VPBROADCASTD X10, Y10
	MOVL hi+60(FP), AX
	VMOVD AX, X11
	VPBROADCASTD X11, Y11
	MOVL zero+64(FP), AX
	VMOVD AX, X12
	VPBROADCASTD X12, Y12
	MOVQ $0x40000000, AX
	MOVQ AX, X13
	VPBROADCASTQ X13, Y13
	TESTQ R10, R10
	JZ    done2
	TESTQ R11, R11
	JZ    done2

row2:
	VPBROADCASTD 0(BX), Y14
	VPBROADCASTD 4(BX), Y15
	VMOVD 8(BX), X8
	VMOVD 12(BX), X9
	VPBROADCASTD 16(BX), Y6
	VPBROADCASTD 20(BX), Y7
	MOVQ SI, R12
	MOVQ DI, R13
	MOVQ R11, CX

vec2:
	VMOVDQU      (R12), Y0
	VPADDD       Y14, Y0, Y0
	VPSLLD       X8, Y0, Y0
	VPSRLQ       $32, Y0, Y1
	VPMULDQ      Y15, Y0, Y2
	VPMULDQ      Y15, Y1, Y3
	VPADDQ       Y13, Y2, Y2
	VPADDQ       Y13, Y3, Y3
	VPSRLQ       $31, Y2, Y2
	VPSLLQ       $1, Y3, Y3
	VPBLENDD     $0xaa, Y3, Y2, Y2 // high: even dwords from Y2, odd from Y3
	VPSRAD       X9, Y2, Y0
	VPAND        Y6, Y2, Y1
	VPSRAD       $31, Y2, Y3
	VPSUBD       Y3, Y7, Y3
	VPCMPGTD     Y3, Y1, Y1        // -1 where remainder > threshold
	VPSUBD       Y1, Y0, Y0
	VPMAXSD      Y10, Y0, Y0
	VPMINSD      Y11, Y0, Y0
	VPADDD       Y12, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKSSDW    X1, X0, X0
	VPACKSSWB    X0, X0, X0
	VMOVQ        X0, (R13)
	ADDQ         $32, R12
	ADDQ         $8, R13
	SUBQ         $8, CX
	JNZ          vec2

	ADDQ $32, BX
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ R10
	JNZ  row2

done2:
	VZEROUPPER
	RET

// func biasAVX512(dst *int32, ldd int, src *int32, lds, rows, n int, rp *rqRow)
//
// dst[r*ldd+c] = src[r*lds+c] + rp[r].add, any n (masked tail).
TEXT ·biasAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), R10
	MOVQ n+40(FP), R11
	MOVQ rp+48(FP), BX
	MOVQ R11, CX
	ANDQ $15, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K3
	TESTQ R10, R10
	JZ bdone

brow:
	VPBROADCASTD 0(BX), Z16
	MOVQ SI, R12
	MOVQ DI, R13
	MOVQ R11, CX
	CMPQ CX, $16
	JL btail

bvec:
	VPADDD (R12), Z16, Z0
	VMOVDQU32 Z0, (R13)
	ADDQ $64, R12
	ADDQ $64, R13
	SUBQ $16, CX
	CMPQ CX, $16
	JGE bvec

btail:
	TESTQ CX, CX
	JZ bnext
	VMOVDQU32.Z (R12), K3, Z0
	VPADDD Z16, Z0, Z0
	VMOVDQU32 Z0, K3, (R13)

bnext:
	ADDQ $32, BX
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ R10
	JNZ brow

bdone:
	VZEROUPPER
	RET

// func biasAVX2(dst *int32, ldd int, src *int32, lds, rows, n int, rp *rqRow)
//
// biasAVX512 for n a multiple of 8.
TEXT ·biasAVX2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	SHLQ $2, R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	SHLQ $2, R9
	MOVQ rows+32(FP), R10
	MOVQ n+40(FP), R11
	MOVQ rp+48(FP), BX
	TESTQ R10, R10
	JZ b2done
	TESTQ R11, R11
	JZ b2done

b2row:
	VPBROADCASTD 0(BX), Y6
	MOVQ SI, R12
	MOVQ DI, R13
	MOVQ R11, CX

b2vec:
	VPADDD (R12), Y6, Y0
	VMOVDQU Y0, (R13)
	ADDQ $32, R12
	ADDQ $32, R13
	SUBQ $8, CX
	JNZ b2vec

	ADDQ $32, BX
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ R10
	JNZ b2row

b2done:
	VZEROUPPER
	RET
