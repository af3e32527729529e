//go:build !purego

#include "textflag.h"

// MBQM is MultiplyByQuantizedMultiplier on the 8 int32 lanes of X after
// adding the rqRow at off(BX) (add 0, mult 4, left 8, right 12, mask 16,
// half 20), as in requant_amd64.s: (x+add)<<left, the high product by
// VPMULDQ on even and odd dwords with the nudge Y15 (2^30 per qword), then
// the rounding right shift (+1 where remainder+sign > half). Clobbers
// Y8-Y12, X9.
#define MBQM(off, X) \
	VPBROADCASTD off+0(BX), Y8;  \
	VPADDD       Y8, X, X;       \
	VMOVD        off+8(BX), X9;  \
	VPSLLD       X9, X, X;       \
	VPBROADCASTD off+4(BX), Y8;  \
	VPSRLQ       $32, X, Y10;    \
	VPMULDQ      Y8, X, Y11;     \
	VPMULDQ      Y8, Y10, Y10;   \
	VPADDQ       Y15, Y11, Y11;  \
	VPADDQ       Y15, Y10, Y10;  \
	VPSRLQ       $31, Y11, Y11;  \
	VPSLLQ       $1, Y10, Y10;   \
	VPBLENDD     $0xaa, Y10, Y11, X; \
	VMOVD        off+12(BX), X9; \
	VPSRAD       X9, X, Y11;     \
	VPBROADCASTD off+16(BX), Y8; \
	VPAND        Y8, X, Y10;     \
	VPSRAD       $31, X, Y12;    \
	VPADDD       Y12, Y10, Y10;  \
	VPBROADCASTD off+20(BX), Y8; \
	VPCMPGTD     Y8, Y10, Y10;   \
	VPSUBD       Y10, Y11, X

// func addInt8AVX2(dst, x, y *int8, blocks int, c *addConsts)
//
// AddInt8 on 8 values per block: in1 at 0(BX), in2 at 32, out at 64, the
// clamp (lo, hi, zero) at 96.
TEXT ·addInt8AVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ blocks+24(FP), CX
	MOVQ c+32(FP), BX
	MOVQ $0x40000000, AX
	MOVQ AX, X15
	VPBROADCASTQ X15, Y15
	TESTQ CX, CX
	JZ done

loop:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD (DX), Y1
	MBQM(0, Y0)
	MBQM(32, Y1)
	VPADDD Y1, Y0, Y0
	MBQM(64, Y0)
	VPBROADCASTD 96(BX), Y8
	VPMAXSD Y8, Y0, Y0
	VPBROADCASTD 100(BX), Y8
	VPMINSD Y8, Y0, Y0
	VPBROADCASTD 104(BX), Y8
	VPADDD Y8, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPACKSSDW X1, X0, X0
	VPACKSSWB X0, X0, X0
	VMOVQ X0, (DI)
	ADDQ $8, SI
	ADDQ $8, DX
	ADDQ $8, DI
	DECQ CX
	JNZ loop

done:
	VZEROUPPER
	RET

// MBQM16 is MBQM on the 16 lanes of X with the constants in registers
// (add, mult, mask, half broadcast; left, right as counts), temporaries
// T1-T3 and mask register K; Z11 holds the nudge, Z10 ones, K1 the odd
// dwords.
#define MBQM16(X, T1, T2, T3, K, add, mult, left, right, mask, half) \
	VPADDD    add, X, X;       \
	VPSLLD    left, X, X;      \
	VPSRLQ    $32, X, T1;      \
	VPMULDQ   mult, X, T2;     \
	VPMULDQ   mult, T1, T1;    \
	VPADDQ    Z11, T2, T2;     \
	VPADDQ    Z11, T1, T1;     \
	VPSRLQ    $31, T2, T2;     \
	VPSLLQ    $1, T1, T1;      \
	VMOVDQA32 T1, K1, T2;      \
	VPSRAD    right, T2, X;    \
	VPANDD    mask, T2, T1;    \
	VPSRAD    $31, T2, T3;     \
	VPADDD    T3, T1, T1;      \
	VPCMPGTD  half, T1, K;     \
	VPADDD    Z10, X, K, X

// func addInt8AVX512(dst, x, y *int8, blocks int, c *addConsts)
//
// AddInt8 on 16 values per block, every constant in a register: in1 in
// Z16-Z19 and X20, X21; in2 in Z22-Z25 and X26, X27; out in Z28-Z30, Z9,
// X31, X15; the clamp in Z12-Z14.
TEXT ·addInt8AVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ blocks+24(FP), CX
	MOVQ c+32(FP), BX
	VPBROADCASTD 0(BX), Z16
	VPBROADCASTD 4(BX), Z17
	VMOVD 8(BX), X20
	VMOVD 12(BX), X21
	VPBROADCASTD 16(BX), Z18
	VPBROADCASTD 20(BX), Z19
	VPBROADCASTD 32(BX), Z22
	VPBROADCASTD 36(BX), Z23
	VMOVD 40(BX), X26
	VMOVD 44(BX), X27
	VPBROADCASTD 48(BX), Z24
	VPBROADCASTD 52(BX), Z25
	VPBROADCASTD 64(BX), Z9
	VPBROADCASTD 68(BX), Z28
	VMOVD 72(BX), X31
	VMOVD 76(BX), X15
	VPBROADCASTD 80(BX), Z29
	VPBROADCASTD 84(BX), Z30
	VPBROADCASTD 96(BX), Z12
	VPBROADCASTD 100(BX), Z13
	VPBROADCASTD 104(BX), Z14
	MOVQ $0x40000000, AX
	VPBROADCASTQ AX, Z11
	MOVL $1, AX
	VPBROADCASTD AX, Z10
	MOVL $0xaaaa, AX
	KMOVW AX, K1
	TESTQ CX, CX
	JZ done16

loop16:
	VPMOVSXBD (SI), Z0
	VPMOVSXBD (DX), Z7
	MBQM16(Z0, Z1, Z2, Z3, K2, Z16, Z17, X20, X21, Z18, Z19)
	MBQM16(Z7, Z4, Z5, Z6, K3, Z22, Z23, X26, X27, Z24, Z25)
	VPADDD Z7, Z0, Z0
	MBQM16(Z0, Z1, Z2, Z3, K2, Z9, Z28, X31, X15, Z29, Z30)
	VPMAXSD Z12, Z0, Z0
	VPMINSD Z13, Z0, Z0
	VPADDD Z14, Z0, Z0
	VPMOVDB Z0, (DI)
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, DI
	DECQ CX
	JNZ loop16

done16:
	VZEROUPPER
	RET
