//go:build !purego

#include "textflag.h"

// Sigmoid constants, one float32 each (bit patterns).
// exp(t) = 2^n * p(r) with n = round(t*log2e), r = t - n*ln2 (ln2 split in a
// hi part exact in n*hi and a lo correction), p Cephes' expf polynomial.
DATA sigmoidConst<>+0(SB)/4, $0x80000000  // sign bit
DATA sigmoidConst<>+4(SB)/4, $0xc2b10000  // -88.5: clamp of t = -|x| so that n stays finite
DATA sigmoidConst<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA sigmoidConst<>+12(SB)/4, $0x3f318000 // ln2 hi = 0.693359375
DATA sigmoidConst<>+16(SB)/4, $0xb95e8083 // ln2 lo = -2.12194440e-4 (ln2 = hi - lo)
DATA sigmoidConst<>+20(SB)/4, $0x3f800000 // 1
DATA sigmoidConst<>+24(SB)/4, $0xc2b00000 // -88: sigmoidFloor
DATA sigmoidConst<>+28(SB)/4, $0x39506967 // c5 = 1.9875691500e-4
DATA sigmoidConst<>+32(SB)/4, $0x3ab743ce // c4 = 1.3981999507e-3
DATA sigmoidConst<>+36(SB)/4, $0x3c088908 // c3 = 8.3334519073e-3
DATA sigmoidConst<>+40(SB)/4, $0x3d2aa9c1 // c2 = 4.1665795894e-2
DATA sigmoidConst<>+44(SB)/4, $0x3e2aaaaa // c1 = 1.6666665459e-1
DATA sigmoidConst<>+48(SB)/4, $0x3f000000 // c0 = 0.5
DATA sigmoidConst<>+52(SB)/4, $127        // exponent bias
DATA sigmoidConst<>+56(SB)/4, $0
DATA sigmoidConst<>+60(SB)/4, $0
GLOBL sigmoidConst<>(SB), RODATA|NOPTR, $64

// Lane indexes 0..7, to build the AVX2 tail mask.
DATA sigmoidIota<>+0(SB)/4, $0
DATA sigmoidIota<>+4(SB)/4, $1
DATA sigmoidIota<>+8(SB)/4, $2
DATA sigmoidIota<>+12(SB)/4, $3
DATA sigmoidIota<>+16(SB)/4, $4
DATA sigmoidIota<>+20(SB)/4, $5
DATA sigmoidIota<>+24(SB)/4, $6
DATA sigmoidIota<>+28(SB)/4, $7
GLOBL sigmoidIota<>(SB), RODATA|NOPTR, $32

// SIGMOID8 maps Y0 = x to Y0 = sigmoid(x); clobbers Y1-Y6.
// Constants: Y8 sign, Y9 clamp, Y10 log2e, Y11 ln2hi, Y12 ln2lo, Y13 one,
// Y14 floor, Y15 exponent bias. 2^n is applied in two halves so that
// n down to -128 (denormal results) needs no special case.
#define SIGMOID8 \
	VORPS        Y8, Y0, Y1                     \ // t = -|x|
	VMAXPS       Y9, Y1, Y1                     \ // t = max(t, -88.5)
	VMULPS       Y10, Y1, Y2                    \
	VROUNDPS     $0, Y2, Y2                     \ // n = round(t*log2e)
	VFNMADD231PS Y11, Y2, Y1                    \ // r = t - n*hi
	VFNMADD231PS Y12, Y2, Y1                    \ // r -= n*lo
	VBROADCASTSS sigmoidConst<>+28(SB), Y3      \
	VBROADCASTSS sigmoidConst<>+32(SB), Y4      \
	VFMADD213PS  Y4, Y1, Y3                     \ // p = p*r + c4
	VBROADCASTSS sigmoidConst<>+36(SB), Y4      \
	VFMADD213PS  Y4, Y1, Y3                     \
	VBROADCASTSS sigmoidConst<>+40(SB), Y4      \
	VFMADD213PS  Y4, Y1, Y3                     \
	VBROADCASTSS sigmoidConst<>+44(SB), Y4      \
	VFMADD213PS  Y4, Y1, Y3                     \
	VBROADCASTSS sigmoidConst<>+48(SB), Y4      \
	VFMADD213PS  Y4, Y1, Y3                     \
	VMULPS       Y1, Y1, Y4                     \
	VFMADD213PS  Y1, Y4, Y3                     \ // p = p*r*r + r
	VADDPS       Y13, Y3, Y3                    \ // p += 1: exp(r)
	VCVTPS2DQ    Y2, Y2                         \
	VPSRAD       $1, Y2, Y4                     \ // n1 = n/2
	VPSUBD       Y4, Y2, Y2                     \ // n2 = n - n1
	VPADDD       Y15, Y4, Y4                    \
	VPSLLD       $23, Y4, Y4                    \ // 2^n1
	VPADDD       Y15, Y2, Y2                    \
	VPSLLD       $23, Y2, Y2                    \ // 2^n2
	VMULPS       Y4, Y3, Y3                     \
	VMULPS       Y2, Y3, Y3                     \ // e = exp(-|x|), in (0, 1]
	VBLENDVPS    Y0, Y3, Y13, Y4                \ // num = x < 0 ? e : 1
	VADDPS       Y13, Y3, Y3                    \
	VDIVPS       Y3, Y4, Y4                     \ // num / (1+e)
	VCMPPS       $1, Y14, Y0, Y5                \
	VANDNPS      Y4, Y5, Y4                     \ // 0 where x < -88
	VCMPPS       $3, Y0, Y0, Y5                 \
	VADDPS       Y0, Y0, Y6                     \
	VBLENDVPS    Y5, Y6, Y4, Y0                   // NaN stays NaN

// func sigmoidAVX2(dst, src []float32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	VBROADCASTSS sigmoidConst<>+0(SB), Y8
	VBROADCASTSS sigmoidConst<>+4(SB), Y9
	VBROADCASTSS sigmoidConst<>+8(SB), Y10
	VBROADCASTSS sigmoidConst<>+12(SB), Y11
	VBROADCASTSS sigmoidConst<>+16(SB), Y12
	VBROADCASTSS sigmoidConst<>+20(SB), Y13
	VBROADCASTSS sigmoidConst<>+24(SB), Y14
	VPBROADCASTD sigmoidConst<>+52(SB), Y15
	CMPQ CX, $8
	JL   avx2tail

avx2loop:
	VMOVUPS (SI), Y0
	SIGMOID8
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	CMPQ    CX, $8
	JGE     avx2loop

avx2tail:
	TESTQ CX, CX
	JE    avx2done
	MOVQ         CX, X7
	VPBROADCASTD X7, Y7
	VPCMPGTD     sigmoidIota<>(SB), Y7, Y7 // lane i < remaining
	VMASKMOVPS   (SI), Y7, Y0
	SIGMOID8
	VMASKMOVPS   Y0, Y7, (DI)

avx2done:
	VZEROUPPER
	RET

// SIGMOID16 maps Z0 = x to Z0 = sigmoid(x); clobbers Z1-Z4, K1-K3.
// Constants: Z16 sign, Z17 clamp, Z18 log2e, Z19 ln2hi, Z20 ln2lo, Z21 one,
// Z22 floor, Z23-Z28 c5..c0, Z29 zero. VSCALEFPS rounds 2^n*p once, also
// into the denormals.
#define SIGMOID16 \
	VPORD        Z16, Z0, Z1                    \ // t = -|x|
	VMAXPS       Z17, Z1, Z1                    \ // t = max(t, -88.5)
	VMULPS       Z18, Z1, Z2                    \
	VRNDSCALEPS  $0, Z2, Z2                     \ // n = round(t*log2e)
	VFNMADD231PS Z19, Z2, Z1                    \ // r = t - n*hi
	VFNMADD231PS Z20, Z2, Z1                    \ // r -= n*lo
	VMOVAPS      Z23, Z3                        \
	VFMADD213PS  Z24, Z1, Z3                    \ // p = p*r + c4
	VFMADD213PS  Z25, Z1, Z3                    \
	VFMADD213PS  Z26, Z1, Z3                    \
	VFMADD213PS  Z27, Z1, Z3                    \
	VFMADD213PS  Z28, Z1, Z3                    \
	VMULPS       Z1, Z1, Z4                     \
	VFMADD213PS  Z1, Z4, Z3                     \ // p = p*r*r + r
	VADDPS       Z21, Z3, Z3                    \ // p += 1: exp(r)
	VSCALEFPS    Z2, Z3, Z3                     \ // e = p * 2^n = exp(-|x|)
	VCMPPS       $1, Z29, Z0, K1                \
	VMOVAPS      Z21, Z4                        \
	VMOVAPS      Z3, K1, Z4                     \ // num = x < 0 ? e : 1
	VADDPS       Z21, Z3, Z3                    \
	VDIVPS       Z3, Z4, Z4                     \ // num / (1+e)
	VCMPPS       $1, Z22, Z0, K2                \
	VMOVAPS      Z29, K2, Z4                    \ // 0 where x < -88
	VCMPPS       $3, Z0, Z0, K3                 \
	VADDPS       Z0, Z0, K3, Z4                 \ // NaN stays NaN
	VMOVAPS      Z4, Z0

// func sigmoidAVX512(dst, src []float32)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ src_base+24(FP), SI
	MOVQ src_len+32(FP), CX
	VBROADCASTSS sigmoidConst<>+0(SB), Z16
	VBROADCASTSS sigmoidConst<>+4(SB), Z17
	VBROADCASTSS sigmoidConst<>+8(SB), Z18
	VBROADCASTSS sigmoidConst<>+12(SB), Z19
	VBROADCASTSS sigmoidConst<>+16(SB), Z20
	VBROADCASTSS sigmoidConst<>+20(SB), Z21
	VBROADCASTSS sigmoidConst<>+24(SB), Z22
	VBROADCASTSS sigmoidConst<>+28(SB), Z23
	VBROADCASTSS sigmoidConst<>+32(SB), Z24
	VBROADCASTSS sigmoidConst<>+36(SB), Z25
	VBROADCASTSS sigmoidConst<>+40(SB), Z26
	VBROADCASTSS sigmoidConst<>+44(SB), Z27
	VBROADCASTSS sigmoidConst<>+48(SB), Z28
	VPXORD       Z29, Z29, Z29
	CMPQ CX, $16
	JL   avx512tail

avx512loop:
	VMOVUPS (SI), Z0
	SIGMOID16
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	CMPQ    CX, $16
	JGE     avx512loop

avx512tail:
	TESTQ CX, CX
	JE    avx512done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K4 // lanes 0..remaining-1
	VMOVUPS.Z (SI), K4, Z0
	SIGMOID16
	VMOVUPS Z0, K4, (DI)

avx512done:
	VZEROUPPER
	RET
