//go:build !purego

#include "textflag.h"

// The transformed matrices (16 rows of all channels' tiles) are larger
// than the caches, so each access to one of their rows also prefetches
// the line 128 bytes on: the next tile rows' calls read or write there
// (PREFETCHT0 never faults, so it may point past the slices).

// Permutation indexes for VPERMI2PS: the odd columns of two 16-float
// vectors, in order (column 1 of 16 tiles); the even ones (column 0) are
// ·evenLanes in gather_amd64.s.
DATA ·oddLanes+0(SB)/4, $1
DATA ·oddLanes+4(SB)/4, $3
DATA ·oddLanes+8(SB)/4, $5
DATA ·oddLanes+12(SB)/4, $7
DATA ·oddLanes+16(SB)/4, $9
DATA ·oddLanes+20(SB)/4, $11
DATA ·oddLanes+24(SB)/4, $13
DATA ·oddLanes+28(SB)/4, $15
DATA ·oddLanes+32(SB)/4, $17
DATA ·oddLanes+36(SB)/4, $19
DATA ·oddLanes+40(SB)/4, $21
DATA ·oddLanes+44(SB)/4, $23
DATA ·oddLanes+48(SB)/4, $25
DATA ·oddLanes+52(SB)/4, $27
DATA ·oddLanes+56(SB)/4, $29
DATA ·oddLanes+60(SB)/4, $31
GLOBL ·oddLanes(SB), RODATA|NOPTR, $64

// ·winoMask is 32 all-ones dwords then 32 zeros: the bytes at
// ·winoMask+128-4k are the VMASKMOVPS masks of the first k floats (k <=
// 32) of up to four consecutive vectors, for the AVX2 transforms' last,
// partial block.
DATA ·winoMask+0(SB)/8, $-1
DATA ·winoMask+8(SB)/8, $-1
DATA ·winoMask+16(SB)/8, $-1
DATA ·winoMask+24(SB)/8, $-1
DATA ·winoMask+32(SB)/8, $-1
DATA ·winoMask+40(SB)/8, $-1
DATA ·winoMask+48(SB)/8, $-1
DATA ·winoMask+56(SB)/8, $-1
DATA ·winoMask+64(SB)/8, $-1
DATA ·winoMask+72(SB)/8, $-1
DATA ·winoMask+80(SB)/8, $-1
DATA ·winoMask+88(SB)/8, $-1
DATA ·winoMask+96(SB)/8, $-1
DATA ·winoMask+104(SB)/8, $-1
DATA ·winoMask+112(SB)/8, $-1
DATA ·winoMask+120(SB)/8, $-1
GLOBL ·winoMask(SB), RODATA|NOPTR, $256

// WROW512 loads row ptr's columns 2tx..2tx+33 (byte offset BX) as the
// four columns of 16 tiles: c0 = even(cols 0..31), c1 = odd(cols 0..31),
// c2 = even(cols 2..33), c3 = odd(cols 2..33). Clobbers Z24-Z27.
#define WROW512(ptr, c0, c1, c2, c3) \
	VMOVUPS   (ptr)(BX*1), Z24   \
	VMOVUPS   64(ptr)(BX*1), Z25 \
	VMOVUPS   8(ptr)(BX*1), Z26  \
	VMOVUPS   72(ptr)(BX*1), Z27 \
	VMOVAPS   Z30, c0            \
	VPERMI2PS Z25, Z24, c0       \
	VMOVAPS   Z31, c1            \
	VPERMI2PS Z25, Z24, c1       \
	VMOVAPS   Z30, c2            \
	VPERMI2PS Z27, Z26, c2       \
	VMOVAPS   Z31, c3            \
	VPERMI2PS Z27, Z26, c3

// WOUT512 finishes output row i from t[i][0..3] and stores its four
// values (masked by K1) at DX, DX+stride, ...; DX moves past them.
#define WOUT512(t0, t1, t2, t3) \
	VSUBPS  t2, t0, Z24        \
	VADDPS  t2, t1, Z25        \
	VSUBPS  t1, t2, Z26        \
	VSUBPS  t3, t1, Z27        \
	VMOVUPS Z24, K1, (DX)      \
	PREFETCHT0 128(DX)         \
	ADDQ    R9, DX             \
	VMOVUPS Z25, K1, (DX)      \
	PREFETCHT0 128(DX)         \
	ADDQ    R9, DX             \
	VMOVUPS Z26, K1, (DX)      \
	PREFETCHT0 128(DX)         \
	ADDQ    R9, DX             \
	VMOVUPS Z27, K1, (DX)      \
	PREFETCHT0 128(DX)         \
	ADDQ    R9, DX

// func winogradInputAVX512(rows *float32, pw, tw int, out *float32, stride int)
TEXT ·winogradInputAVX512(SB), NOSPLIT, $0-40
	MOVQ    rows+0(FP), SI
	MOVQ    pw+8(FP), R8
	MOVQ    tw+16(FP), R13
	MOVQ    out+24(FP), DI
	MOVQ    stride+32(FP), R9
	SHLQ    $2, R8                 // row width in bytes
	SHLQ    $2, R9                 // output stride in bytes
	LEAQ    (SI)(R8*1), R10        // row 1
	LEAQ    (R10)(R8*1), R11       // row 2
	LEAQ    (R11)(R8*1), R12       // row 3
	VMOVUPS ·evenLanes(SB), Z30
	VMOVUPS ·oddLanes(SB), Z31
	XORQ    AX, AX                 // first tile of the block
	XORQ    BX, BX                 // its byte offset in a row: 8 per tile

block512:
	CMPQ    AX, R13
	JGE     done512
	MOVQ    R13, CX
	SUBQ    AX, CX                 // tiles left
	MOVL    $0xffff, R15
	CMPQ    CX, $16
	JGE     mask512
	MOVL    $1, R15
	SHLL    CX, R15
	DECL    R15                    // the low CX bits

mask512:
	KMOVW   R15, K1
	WROW512(SI, Z0, Z1, Z2, Z3)
	WROW512(R10, Z4, Z5, Z6, Z7)
	WROW512(R11, Z8, Z9, Z10, Z11)
	WROW512(R12, Z12, Z13, Z14, Z15)

	// t = B^T d per column k: t0k = d0k-d2k (into Z0+k), t1k = d1k+d2k
	// (Z16+k), t2k = d2k-d1k (Z20+k), t3k = d1k-d3k (Z12+k).
	VSUBPS  Z8, Z0, Z0
	VSUBPS  Z9, Z1, Z1
	VSUBPS  Z10, Z2, Z2
	VSUBPS  Z11, Z3, Z3
	VADDPS  Z8, Z4, Z16
	VADDPS  Z9, Z5, Z17
	VADDPS  Z10, Z6, Z18
	VADDPS  Z11, Z7, Z19
	VSUBPS  Z4, Z8, Z20
	VSUBPS  Z5, Z9, Z21
	VSUBPS  Z6, Z10, Z22
	VSUBPS  Z7, Z11, Z23
	VSUBPS  Z12, Z4, Z12
	VSUBPS  Z13, Z5, Z13
	VSUBPS  Z14, Z6, Z14
	VSUBPS  Z15, Z7, Z15

	// out = t B, row i at outputs 4i..4i+3.
	MOVQ    DI, DX
	WOUT512(Z0, Z1, Z2, Z3)
	WOUT512(Z16, Z17, Z18, Z19)
	WOUT512(Z20, Z21, Z22, Z23)
	WOUT512(Z12, Z13, Z14, Z15)

	ADDQ    $16, AX
	ADDQ    $128, BX
	ADDQ    $64, DI
	JMP     block512

done512:
	VZEROUPPER
	RET

// WROW256 loads row ptr's columns 2tx..2tx+17 (byte offset BX) as the
// four columns of 8 tiles into c0..c3. Clobbers Y12-Y15.
#define WROW256(ptr, c0, c1, c2, c3) \
	VMOVUPS (ptr)(BX*1), Y12            \
	VMOVUPS 32(ptr)(BX*1), Y13          \
	VSHUFPS $0x88, Y13, Y12, c0         \
	VSHUFPS $0xdd, Y13, Y12, c1         \
	VPERMPD $0xd8, c0, c0               \
	VPERMPD $0xd8, c1, c1               \
	VMOVUPS 8(ptr)(BX*1), Y14           \
	VMOVUPS 40(ptr)(BX*1), Y15          \
	VSHUFPS $0x88, Y15, Y14, c2         \
	VSHUFPS $0xdd, Y15, Y14, c3         \
	VPERMPD $0xd8, c2, c2               \
	VPERMPD $0xd8, c3, c3

// WOUT256 finishes output row i from t[i][0..3] (Y8-Y11) and stores it at
// DX, DX+stride, ... (R15 = 3 strides); DX moves past them. With R14 not
// 0, only the first tiles are stored: R14 points to their VMASKMOVPS
// mask. Clobbers Y8, Y12-Y15.
#define WOUT256 \
	VSUBPS     Y10, Y8, Y12        \
	VADDPS     Y10, Y9, Y13        \
	VSUBPS     Y9, Y10, Y14        \
	VSUBPS     Y11, Y9, Y15        \
	PREFETCHT0 128(DX)             \
	PREFETCHT0 128(DX)(R9*1)       \
	PREFETCHT0 128(DX)(R9*2)       \
	PREFETCHT0 128(DX)(R15*1)      \
	TESTQ      R14, R14            \
	JNE        6(PC)               \
	VMOVUPS    Y12, (DX)           \
	VMOVUPS    Y13, (DX)(R9*1)     \
	VMOVUPS    Y14, (DX)(R9*2)     \
	VMOVUPS    Y15, (DX)(R15*1)    \
	JMP        6(PC)               \
	VMOVDQU    (R14), Y8           \
	VMASKMOVPS Y12, Y8, (DX)       \
	VMASKMOVPS Y13, Y8, (DX)(R9*1) \
	VMASKMOVPS Y14, Y8, (DX)(R9*2) \
	VMASKMOVPS Y15, Y8, (DX)(R15*1) \
	LEAQ       (DX)(R9*4), DX

// func winogradInputAVX2(rows *float32, pw, tw int, out *float32, stride int)
// The last block, of fewer than 8 tiles, stores with VMASKMOVPS; the
// rows' padding (WinogradRowWidth) covers its loads.
TEXT ·winogradInputAVX2(SB), NOSPLIT, $0-40
	MOVQ    rows+0(FP), SI
	MOVQ    pw+8(FP), R8
	MOVQ    tw+16(FP), R13
	MOVQ    out+24(FP), DI
	MOVQ    stride+32(FP), R9
	SHLQ    $2, R8
	SHLQ    $2, R9
	LEAQ    (R9)(R9*2), R15        // 3 strides
	LEAQ    (SI)(R8*1), R10
	LEAQ    (R10)(R8*1), R11
	LEAQ    (R11)(R8*1), R12
	XORQ    BX, BX

block256:
	MOVQ    R13, CX                // tiles left
	CMPQ    CX, $0
	JLE     done256
	XORQ    R14, R14
	CMPQ    CX, $8
	JGE     rows256
	SHLQ    $2, CX
	LEAQ    ·winoMask+128(SB), R14
	SUBQ    CX, R14                // the mask of the first CX/4 tiles

rows256:
	// Rows 1 and 2 stay in Y0-Y7; rows 0 and 3 pass through Y8-Y11.
	WROW256(R10, Y0, Y1, Y2, Y3)
	WROW256(R11, Y4, Y5, Y6, Y7)
	MOVQ    DI, DX
	WROW256(SI, Y8, Y9, Y10, Y11)
	VSUBPS  Y4, Y8, Y8             // t0k = d0k - d2k
	VSUBPS  Y5, Y9, Y9
	VSUBPS  Y6, Y10, Y10
	VSUBPS  Y7, Y11, Y11
	WOUT256
	VADDPS  Y4, Y0, Y8             // t1k = d1k + d2k
	VADDPS  Y5, Y1, Y9
	VADDPS  Y6, Y2, Y10
	VADDPS  Y7, Y3, Y11
	WOUT256
	VSUBPS  Y0, Y4, Y8             // t2k = d2k - d1k
	VSUBPS  Y1, Y5, Y9
	VSUBPS  Y2, Y6, Y10
	VSUBPS  Y3, Y7, Y11
	WOUT256
	WROW256(R12, Y8, Y9, Y10, Y11)
	VSUBPS  Y8, Y0, Y8             // t3k = d1k - d3k
	VSUBPS  Y9, Y1, Y9
	VSUBPS  Y10, Y2, Y10
	VSUBPS  Y11, Y3, Y11
	WOUT256
	SUBQ    $8, R13
	ADDQ    $64, BX
	ADDQ    $32, DI
	JMP     block256

done256:
	VZEROUPPER
	RET

// Interleaving indexes for VPERMI2PS: a0 b0 a1 b1 ... a7 b7, then a8 b8 ...
// a15 b15 (a the first table, b the second).
DATA ·zipLoLanes+0(SB)/4, $0
DATA ·zipLoLanes+4(SB)/4, $16
DATA ·zipLoLanes+8(SB)/4, $1
DATA ·zipLoLanes+12(SB)/4, $17
DATA ·zipLoLanes+16(SB)/4, $2
DATA ·zipLoLanes+20(SB)/4, $18
DATA ·zipLoLanes+24(SB)/4, $3
DATA ·zipLoLanes+28(SB)/4, $19
DATA ·zipLoLanes+32(SB)/4, $4
DATA ·zipLoLanes+36(SB)/4, $20
DATA ·zipLoLanes+40(SB)/4, $5
DATA ·zipLoLanes+44(SB)/4, $21
DATA ·zipLoLanes+48(SB)/4, $6
DATA ·zipLoLanes+52(SB)/4, $22
DATA ·zipLoLanes+56(SB)/4, $7
DATA ·zipLoLanes+60(SB)/4, $23
GLOBL ·zipLoLanes(SB), RODATA|NOPTR, $64

DATA ·zipHiLanes+0(SB)/4, $8
DATA ·zipHiLanes+4(SB)/4, $24
DATA ·zipHiLanes+8(SB)/4, $9
DATA ·zipHiLanes+12(SB)/4, $25
DATA ·zipHiLanes+16(SB)/4, $10
DATA ·zipHiLanes+20(SB)/4, $26
DATA ·zipHiLanes+24(SB)/4, $11
DATA ·zipHiLanes+28(SB)/4, $27
DATA ·zipHiLanes+32(SB)/4, $12
DATA ·zipHiLanes+36(SB)/4, $28
DATA ·zipHiLanes+40(SB)/4, $13
DATA ·zipHiLanes+44(SB)/4, $29
DATA ·zipHiLanes+48(SB)/4, $14
DATA ·zipHiLanes+52(SB)/4, $30
DATA ·zipHiLanes+56(SB)/4, $15
DATA ·zipHiLanes+60(SB)/4, $31
GLOBL ·zipHiLanes(SB), RODATA|NOPTR, $64

// LOWBITS sets reg to the low n bits (n in CX, 0..16): 1<<n - 1.
#define LOWBITS(reg) \
	MOVL $1, reg \
	SHLL CX, reg \
	DECL reg

// func winogradOutputAVX512(m *float32, stride, tw int, bias float32, flags int, row0, row1 *float32)
TEXT ·winogradOutputAVX512(SB), NOSPLIT, $0-56
	MOVQ         m+0(FP), SI
	MOVQ         stride+8(FP), R9
	MOVQ         tw+16(FP), R13
	VBROADCASTSS bias+24(FP), Z28
	MOVQ         flags+32(FP), R12
	MOVQ         row0+40(FP), DI
	MOVQ         row1+48(FP), R10
	SHLQ         $2, R9
	VMOVUPS      ·zipLoLanes(SB), Z29
	VMOVUPS      ·zipHiLanes(SB), Z30
	VPXORD       Z31, Z31, Z31
	XORQ         AX, AX

oblock512:
	CMPQ    AX, R13
	JGE     odone512
	MOVQ    R13, CX
	SUBQ    AX, CX                 // tiles left
	CMPQ    CX, $16
	JGE     ofull512
	LOWBITS(R15)
	KMOVW   R15, K1                // the tiles
	SHLQ    $1, CX                 // their output columns, 2..30
	CMPQ    CX, $16
	JGE     otwo512
	LOWBITS(R15)
	KMOVW   R15, K2
	KXORW   K3, K3, K3
	JMP     oload512

otwo512:
	SUBQ    $16, CX
	MOVL    $0xffff, R15
	KMOVW   R15, K2
	LOWBITS(R15)
	KMOVW   R15, K3
	JMP     oload512

ofull512:
	MOVL    $0xffff, R15
	KMOVW   R15, K1
	KMOVW   R15, K2
	KMOVW   R15, K3

oload512:
	MOVQ    SI, DX
	VMOVUPS.Z (DX), K1, Z0
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z1
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z2
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z3
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z4
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z5
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z6
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z7
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z8
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z9
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z10
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z11
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z12
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z13
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z14
	PREFETCHT0 128(DX)
	ADDQ    R9, DX
	VMOVUPS.Z (DX), K1, Z15
	PREFETCHT0 128(DX)

	// s0k = q[k] + q[4+k] + q[8+k], s1k = q[4+k] - q[8+k] - q[12+k].
	VADDPS  Z4, Z0, Z16
	VADDPS  Z8, Z16, Z16
	VADDPS  Z5, Z1, Z17
	VADDPS  Z9, Z17, Z17
	VADDPS  Z6, Z2, Z18
	VADDPS  Z10, Z18, Z18
	VADDPS  Z7, Z3, Z19
	VADDPS  Z11, Z19, Z19
	VSUBPS  Z8, Z4, Z20
	VSUBPS  Z12, Z20, Z20
	VSUBPS  Z9, Z5, Z21
	VSUBPS  Z13, Z21, Z21
	VSUBPS  Z10, Z6, Z22
	VSUBPS  Z14, Z22, Z22
	VSUBPS  Z11, Z7, Z23
	VSUBPS  Z15, Z23, Z23

	// y00 = s00+s01+s02+b, y01 = s01-s02-s03+b; y10, y11 from s1k alike.
	VADDPS  Z17, Z16, Z24
	VADDPS  Z18, Z24, Z24
	VADDPS  Z28, Z24, Z24
	VSUBPS  Z18, Z17, Z25
	VSUBPS  Z19, Z25, Z25
	VADDPS  Z28, Z25, Z25
	VADDPS  Z21, Z20, Z26
	VADDPS  Z22, Z26, Z26
	VADDPS  Z28, Z26, Z26
	VSUBPS  Z22, Z21, Z27
	VSUBPS  Z23, Z27, Z27
	VADDPS  Z28, Z27, Z27

	// Interleave into the two output rows, 32 columns each.
	VMOVAPS   Z29, Z0
	VPERMI2PS Z25, Z24, Z0
	VMOVAPS   Z30, Z1
	VPERMI2PS Z25, Z24, Z1
	VMOVAPS   Z29, Z2
	VPERMI2PS Z27, Z26, Z2
	VMOVAPS   Z30, Z3
	VPERMI2PS Z27, Z26, Z3

	TESTQ     $1, R12              // winoAccumulate
	JEQ       orelu512
	VMOVUPS.Z (DI), K2, Z4
	VMOVUPS.Z 64(DI), K3, Z5
	VMOVUPS.Z (R10), K2, Z6
	VMOVUPS.Z 64(R10), K3, Z7
	VADDPS    Z4, Z0, Z0
	VADDPS    Z5, Z1, Z1
	VADDPS    Z6, Z2, Z2
	VADDPS    Z7, Z3, Z3

orelu512:
	TESTQ   $2, R12                // winoReLU
	JEQ     ostore512
	VMAXPS  Z0, Z31, Z0            // (0 > y) ? 0 : y, so NaN stays NaN
	VMAXPS  Z1, Z31, Z1
	VMAXPS  Z2, Z31, Z2
	VMAXPS  Z3, Z31, Z3

ostore512:
	VMOVUPS Z0, K2, (DI)
	VMOVUPS Z1, K3, 64(DI)
	VMOVUPS Z2, K2, (R10)
	VMOVUPS Z3, K3, 64(R10)

	ADDQ    $16, AX
	ADDQ    $64, SI
	ADDQ    $128, DI
	ADDQ    $128, R10
	JMP     oblock512

odone512:
	VZEROUPPER
	RET

// OCOL256 loads q[k], q[4+k], q[8+k], q[12+k] (k from DX, which moves on
// by one row; the block's tiles only, mask Y15: nothing past the products
// is read) and leaves s0k in s0, s1k in s1. Clobbers Y8-Y11.
#define OCOL256(s0, s1) \
	VMASKMOVPS (DX), Y15, Y8         \
	PREFETCHT0 128(DX)               \
	VMASKMOVPS (DX)(R9*4), Y15, Y9   \
	PREFETCHT0 128(DX)(R9*4)         \
	VMASKMOVPS (DX)(R9*8), Y15, Y10  \
	PREFETCHT0 128(DX)(R9*8)         \
	VMASKMOVPS (DX)(R11*4), Y15, Y11 \
	PREFETCHT0 128(DX)(R11*4)        \
	VADDPS     Y9, Y8, s0            \
	VADDPS     Y10, s0, s0           \
	VSUBPS     Y10, Y9, s1           \
	VSUBPS     Y11, s1, s1           \
	ADDQ       R9, DX

// OROW256 interleaves ya, yb into 16 columns at ptr, adds what they held
// (winoAccumulate), applies the ReLU (winoReLU) and stores. The masks of
// the two vectors are at R15: whole vectors are stored unless the block
// has fewer than 8 tiles (R14). Clobbers the inputs, Y0, Y1, Y14, Y15.
#define OROW256(ya, yb, ptr) \
	VUNPCKLPS  yb, ya, Y14         \
	VUNPCKHPS  yb, ya, Y15         \
	VPERM2F128 $0x20, Y15, Y14, ya \
	VPERM2F128 $0x31, Y15, Y14, yb \
	VMOVDQU    (R15), Y14          \
	VMOVDQU    32(R15), Y15        \
	TESTQ      $1, R12             \
	JEQ        5(PC)               \
	VMASKMOVPS (ptr), Y14, Y0      \
	VMASKMOVPS 32(ptr), Y15, Y1    \
	VADDPS     Y0, ya, ya          \
	VADDPS     Y1, yb, yb          \
	TESTQ      $2, R12             \
	JEQ        3(PC)               \
	VMAXPS     ya, Y13, ya         \
	VMAXPS     yb, Y13, yb         \
	CMPQ       R14, $8             \
	JLT        4(PC)               \
	VMOVUPS    ya, (ptr)           \
	VMOVUPS    yb, 32(ptr)         \
	JMP        3(PC)               \
	VMASKMOVPS ya, Y14, (ptr)      \
	VMASKMOVPS yb, Y15, 32(ptr)

// func winogradOutputAVX2(m *float32, stride, tw int, bias float32, flags int, row0, row1 *float32)
// Loads are VMASKMOVPS (all lanes but in the last block, of fewer than 8
// tiles), and so are the last block's stores.
TEXT ·winogradOutputAVX2(SB), NOSPLIT, $0-56
	MOVQ         m+0(FP), SI
	MOVQ         stride+8(FP), R9
	MOVQ         tw+16(FP), R13
	VBROADCASTSS bias+24(FP), Y12
	MOVQ         flags+32(FP), R12
	MOVQ         row0+40(FP), DI
	MOVQ         row1+48(FP), R10
	SHLQ         $2, R9            // stride in bytes
	LEAQ         (R9)(R9*2), R11   // 3*stride: q[12+k] is at DX + 4*R11
	VXORPS       Y13, Y13, Y13

oblock256:
	MOVQ    R13, R14               // tiles left
	CMPQ    R14, $0
	JLE     odone256
	CMPQ    R14, $8
	JLE     omask256
	MOVQ    $8, R14                // tiles in this block

omask256:
	LEAQ    (R14*4), CX
	LEAQ    ·winoMask+128(SB), R15
	SUBQ    CX, R15
	VMOVDQU (R15), Y15             // the tiles
	SUBQ    CX, R15                // their output columns' masks
	MOVQ    SI, DX
	OCOL256(Y0, Y4)
	OCOL256(Y1, Y5)
	OCOL256(Y2, Y6)
	OCOL256(Y3, Y7)
	VADDPS  Y1, Y0, Y8             // y00 = s00+s01+s02+b
	VADDPS  Y2, Y8, Y8
	VADDPS  Y12, Y8, Y8
	VSUBPS  Y2, Y1, Y9             // y01 = s01-s02-s03+b
	VSUBPS  Y3, Y9, Y9
	VADDPS  Y12, Y9, Y9
	VADDPS  Y5, Y4, Y10            // y10 = s10+s11+s12+b
	VADDPS  Y6, Y10, Y10
	VADDPS  Y12, Y10, Y10
	VSUBPS  Y6, Y5, Y11            // y11 = s11-s12-s13+b
	VSUBPS  Y7, Y11, Y11
	VADDPS  Y12, Y11, Y11
	OROW256(Y8, Y9, DI)
	OROW256(Y10, Y11, R10)
	SUBQ    $8, R13
	ADDQ    $32, SI
	ADDQ    $64, DI
	ADDQ    $64, R10
	JMP     oblock256

odone256:
	VZEROUPPER
	RET
