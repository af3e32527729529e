//go:build !purego

#include "textflag.h"

DATA quantConst<>+0(SB)/4, $0xc4000000  // -512
DATA quantConst<>+4(SB)/4, $0x44000000  // 512
DATA quantConst<>+8(SB)/4, $0x3f000000  // 0.5
DATA quantConst<>+12(SB)/4, $0x3f800000 // 1
DATA quantConst<>+16(SB)/4, $-128
DATA quantConst<>+20(SB)/4, $127
GLOBL quantConst<>(SB), RODATA|NOPTR, $24

// func quantizeAVX512(dst *int8, src *float32, n int, inv float32, zero int32)
TEXT ·quantizeAVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS inv+24(FP), Z16
	MOVL         zero+28(FP), AX
	VPBROADCASTD AX, Z17
	VBROADCASTSS quantConst<>+0(SB), Z18
	VBROADCASTSS quantConst<>+4(SB), Z19
	VBROADCASTSS quantConst<>+8(SB), Z20
	VBROADCASTSS quantConst<>+12(SB), Z21
	VPBROADCASTD quantConst<>+16(SB), Z22
	VPBROADCASTD quantConst<>+20(SB), Z23

q512:
	VMULPS      (SI), Z16, Z0
	VCMPPS      $3, Z0, Z0, K1      // unordered: NaN
	VPXORD      Z0, Z0, K1, Z0      // NaN -> 0
	VMAXPS      Z18, Z0, Z0
	VMINPS      Z19, Z0, Z0
	VRNDSCALEPS $9, Z0, Z1          // f = floor(r)
	VSUBPS      Z1, Z0, Z2          // r - f, exact
	VCMPPS      $13, Z20, Z2, K2    // >= 0.5
	VADDPS      Z21, Z1, K2, Z1
	VCVTTPS2DQ  Z1, Z1
	VPADDD      Z17, Z1, Z1
	VPMAXSD     Z22, Z1, Z1
	VPMINSD     Z23, Z1, Z1
	VPMOVDB     Z1, (DI)
	ADDQ        $64, SI
	ADDQ        $16, DI
	SUBQ        $16, CX
	JNE         q512
	VZEROUPPER
	RET

// func quantizeAVX2(dst *int8, src *float32, n int, inv float32, zero int32)
TEXT ·quantizeAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS inv+24(FP), Y8
	MOVL         zero+28(FP), AX
	MOVQ         AX, X9
	VPBROADCASTD X9, Y9
	VBROADCASTSS quantConst<>+0(SB), Y10
	VBROADCASTSS quantConst<>+4(SB), Y11
	VBROADCASTSS quantConst<>+8(SB), Y12
	VBROADCASTSS quantConst<>+12(SB), Y13
	VPBROADCASTD quantConst<>+16(SB), Y14
	VPBROADCASTD quantConst<>+20(SB), Y15

q256:
	VMULPS       (SI), Y8, Y0
	VCMPPS       $3, Y0, Y0, Y1     // unordered: NaN
	VANDNPS      Y0, Y1, Y0         // NaN -> 0
	VMAXPS       Y10, Y0, Y0
	VMINPS       Y11, Y0, Y0
	VROUNDPS     $9, Y0, Y1         // f = floor(r)
	VSUBPS       Y1, Y0, Y2         // r - f, exact
	VCMPPS       $13, Y12, Y2, Y3   // >= 0.5
	VANDPS       Y13, Y3, Y3
	VADDPS       Y3, Y1, Y1
	VCVTTPS2DQ   Y1, Y1
	VPADDD       Y9, Y1, Y1
	VPMAXSD      Y14, Y1, Y1
	VPMINSD      Y15, Y1, Y1
	VEXTRACTI128 $1, Y1, X2
	VPACKSSDW    X2, X1, X1
	VPACKSSWB    X1, X1, X1
	MOVQ         X1, (DI)
	ADDQ         $32, SI
	ADDQ         $8, DI
	SUBQ         $8, CX
	JNE          q256
	VZEROUPPER
	RET
