//go:build !purego

#include "textflag.h"

// The F(4x4, 3x3) transforms (kernels/winograd4.go): tiles are the
// vector lanes, and every 4x multiply is two doublings (exact, like the
// reference's multiply).
//
// The transformed matrices (36 rows of all channels' tiles) are larger
// than the caches, so each access to one of their rows also prefetches
// the line 128 bytes on: the next tile rows' calls read or write there
// (PREFETCHT0 never faults, so it may point past the slices).

// BT6 is bt6: y0..y5 = B^T x0..x5 (x left as they are), t0, t1 scratch.
// The y must differ from the x and from each other.
#define BT6(x0, x1, x2, x3, x4, x5, y0, y1, y2, y3, y4, y5, t0, t1) \
	VSUBPS x2, x4, t0 \
	VSUBPS x1, x3, t1 \
	VSUBPS x2, x0, y0 \
	VADDPS y0, y0, y0 \
	VADDPS y0, y0, y0 \
	VADDPS y0, t0, y0 \
	VADDPS x4, x3, y1 \
	VADDPS x2, x1, y2 \
	VADDPS y2, y2, y2 \
	VADDPS y2, y2, y2 \
	VSUBPS y2, y1, y1 \
	VSUBPS x3, x4, y2 \
	VSUBPS x2, x1, y3 \
	VADDPS y3, y3, y3 \
	VADDPS y3, y3, y3 \
	VADDPS y3, y2, y2 \
	VADDPS t1, t1, t1 \
	VADDPS t1, t0, y3 \
	VSUBPS t1, t0, y4 \
	VSUBPS x3, x5, y5 \
	VSUBPS x3, x1, t0 \
	VADDPS t0, t0, t0 \
	VADDPS t0, t0, t0 \
	VADDPS t0, y5, y5

// AT6 is at6 in place: x0..x3 = A^T x0..x5 (x4 is clobbered), t0, t1
// scratch.
#define AT6(x0, x1, x2, x3, x4, x5, t0, t1) \
	VADDPS x2, x1, t0 \
	VSUBPS x2, x1, x1 \
	VADDPS x4, x3, x2 \
	VSUBPS x4, x3, x3 \
	VADDPS t0, x0, x0 \
	VADDPS x2, x0, x0 \
	VADDPS x2, x2, x2 \
	VADDPS x2, x2, x2 \
	VADDPS x2, t0, x2 \
	VADDPS x3, x3, x3 \
	VADDPS x3, x1, t1 \
	VADDPS x3, x3, x3 \
	VADDPS x3, x3, x3 \
	VADDPS x3, x1, x3 \
	VADDPS x5, x3, x3 \
	VMOVAPS t1, x1

// Constants for the AVX-512 macros' fused multiply-adds, whose products
// (by 2, 4, 8) are exact, so they give the bits of BT6's and AT6's
// doublings and additions.
DATA wino4Two<>+0(SB)/4, $0x40000000
GLOBL wino4Two<>(SB), RODATA|NOPTR, $4
DATA wino4Four<>+0(SB)/4, $0x40800000
GLOBL wino4Four<>(SB), RODATA|NOPTR, $4
DATA wino4Eight<>+0(SB)/4, $0x41000000
GLOBL wino4Eight<>(SB), RODATA|NOPTR, $4

// BT6F512 is BT6 with fused multiply-adds (AVX-512).
#define BT6F512(x0, x1, x2, x3, x4, x5, y0, y1, y2, y3, y4, y5, t0, t1) \
	VSUBPS              x2, x4, t0                \
	VSUBPS              x1, x3, t1                \
	VSUBPS              x2, x0, y0                \
	VFMADD132PS.BCST    wino4Four<>(SB), t0, y0   \
	VADDPS              x4, x3, y1                \
	VADDPS              x2, x1, y2                \
	VFNMADD231PS.BCST   wino4Four<>(SB), y2, y1   \
	VSUBPS              x3, x4, y2                \
	VSUBPS              x2, x1, y3                \
	VFMADD231PS.BCST    wino4Four<>(SB), y3, y2   \
	VMOVAPS             t0, y3                    \
	VFMADD231PS.BCST    wino4Two<>(SB), t1, y3    \
	VMOVAPS             t0, y4                    \
	VFNMADD231PS.BCST   wino4Two<>(SB), t1, y4    \
	VSUBPS              x3, x5, y5                \
	VSUBPS              x3, x1, t0                \
	VFMADD231PS.BCST    wino4Four<>(SB), t0, y5

// AT6F512 is AT6 with fused multiply-adds (AVX-512).
#define AT6F512(x0, x1, x2, x3, x4, x5, t0, t1) \
	VADDPS            x2, x1, t0                \
	VSUBPS            x2, x1, x1                \
	VADDPS            x4, x3, x2                \
	VSUBPS            x4, x3, x3                \
	VADDPS            t0, x0, x0                \
	VADDPS            x2, x0, x0                \
	VFMADD132PS.BCST  wino4Four<>(SB), t0, x2   \
	VMOVAPS           x1, t1                    \
	VFMADD231PS.BCST  wino4Two<>(SB), x3, t1    \
	VFMADD132PS.BCST  wino4Eight<>(SB), x1, x3  \
	VADDPS            x5, x3, x3                \
	VMOVAPS           t1, x1

// ROW4X512 loads row ptr's columns 4tx..4tx+5 of 16 tiles (byte offset
// BX) into Z0..Z5: two rounds of even/odd splits of columns 0..63 give
// columns 0..3, and columns 4, 5 are 0, 1 one tile on. Clobbers Z12-Z15,
// Z24-Z27.
#define ROW4X512(ptr) \
	VMOVUPS      (ptr)(BX*1), Z24    \
	VMOVUPS      64(ptr)(BX*1), Z25  \
	VMOVUPS      128(ptr)(BX*1), Z26 \
	VMOVUPS      192(ptr)(BX*1), Z27 \
	VMOVAPS      Z30, Z12            \
	VPERMI2PS    Z25, Z24, Z12       \
	VMOVAPS      Z31, Z13            \
	VPERMI2PS    Z25, Z24, Z13       \
	VMOVAPS      Z30, Z14            \
	VPERMI2PS    Z27, Z26, Z14       \
	VMOVAPS      Z31, Z15            \
	VPERMI2PS    Z27, Z26, Z15       \
	VMOVAPS      Z30, Z0             \
	VPERMI2PS    Z14, Z12, Z0        \
	VMOVAPS      Z31, Z2             \
	VPERMI2PS    Z14, Z12, Z2        \
	VMOVAPS      Z30, Z1             \
	VPERMI2PS    Z15, Z13, Z1        \
	VMOVAPS      Z31, Z3             \
	VPERMI2PS    Z15, Z13, Z3        \
	VBROADCASTSS 256(ptr)(BX*1), Z24 \
	VALIGND      $1, Z0, Z24, Z4     \
	VBROADCASTSS 260(ptr)(BX*1), Z25 \
	VALIGND      $1, Z1, Z25, Z5

// STORE6X512 stores Z6..Z11 (masked by K1) at ptr, ptr+step, ...;
// clobbers ptr.
#define STORE6X512(ptr, step) \
	VMOVUPS    Z6, K1, (ptr)  \
	PREFETCHT0 128(ptr)       \
	ADDQ       step, ptr      \
	VMOVUPS    Z7, K1, (ptr)  \
	PREFETCHT0 128(ptr)       \
	ADDQ       step, ptr      \
	VMOVUPS    Z8, K1, (ptr)  \
	PREFETCHT0 128(ptr)       \
	ADDQ       step, ptr      \
	VMOVUPS    Z9, K1, (ptr)  \
	PREFETCHT0 128(ptr)       \
	ADDQ       step, ptr      \
	VMOVUPS    Z10, K1, (ptr) \
	PREFETCHT0 128(ptr)       \
	ADDQ       step, ptr      \
	VMOVUPS    Z11, K1, (ptr) \
	PREFETCHT0 128(ptr)

// STORE6X512F stores Z6..Z11 whole at the frame's byte offsets off,
// off+64, ... (one row of t = d B).
#define STORE6X512F(off) \
	VMOVUPS Z6, off(SP)      \
	VMOVUPS Z7, off+64(SP)   \
	VMOVUPS Z8, off+128(SP)  \
	VMOVUPS Z9, off+192(SP)  \
	VMOVUPS Z10, off+256(SP) \
	VMOVUPS Z11, off+320(SP)

// TCOL512 transforms column j of t (frame offset off = 64j) into outputs
// j, 6+j, ..., 30+j at DX + j*stride, masked by K1.
#define TCOL512(off) \
	VMOVUPS off(SP), Z0                                                 \
	VMOVUPS off+384(SP), Z1                                             \
	VMOVUPS off+768(SP), Z2                                             \
	VMOVUPS off+1152(SP), Z3                                            \
	VMOVUPS off+1536(SP), Z4                                            \
	VMOVUPS off+1920(SP), Z5                                            \
	BT6F512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13) \
	MOVQ    DX, CX                                                      \
	STORE6X512(CX, R10)                                                 \
	ADDQ    R9, DX

// func winograd4InputAVX512(rows *float32, pw, tw int, out *float32, stride int)
// The frame holds t = d B of one block, t[r][j] at byte offset 64(6r+j):
// whole-vector stores and loads that the core forwards, where a masked
// store to out and a load back would wait for out's cache lines.
TEXT ·winograd4InputAVX512(SB), $2304-40
	MOVQ    rows+0(FP), SI
	MOVQ    pw+8(FP), R8
	MOVQ    tw+16(FP), R13
	MOVQ    out+24(FP), DI
	MOVQ    stride+32(FP), R9
	SHLQ    $2, R8                 // row width in bytes
	SHLQ    $2, R9                 // output stride in bytes
	LEAQ    (R9)(R9*2), R10
	SHLQ    $1, R10                // 6 strides: output (i, j) to (i+1, j)
	VMOVUPS ·evenLanes(SB), Z30
	VMOVUPS ·oddLanes(SB), Z31
	XORQ    AX, AX                 // first tile of the block
	XORQ    BX, BX                 // its byte offset in a row: 16 per tile

iblock512:
	CMPQ    AX, R13
	JGE     idone512
	MOVQ    R13, CX
	SUBQ    AX, CX                 // tiles left
	MOVL    $0xffff, R15
	CMPQ    CX, $16
	JGE     imask512
	MOVL    $1, R15
	SHLL    CX, R15
	DECL    R15                    // the low CX bits

imask512:
	KMOVW   R15, K1

	// t = d B, row r from input row r.
	MOVQ    SI, R11
	ROW4X512(R11)
	BT6F512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	STORE6X512F(0)
	ADDQ    R8, R11
	ROW4X512(R11)
	BT6F512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	STORE6X512F(384)
	ADDQ    R8, R11
	ROW4X512(R11)
	BT6F512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	STORE6X512F(768)
	ADDQ    R8, R11
	ROW4X512(R11)
	BT6F512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	STORE6X512F(1152)
	ADDQ    R8, R11
	ROW4X512(R11)
	BT6F512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	STORE6X512F(1536)
	ADDQ    R8, R11
	ROW4X512(R11)
	BT6F512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	STORE6X512F(1920)

	// out = B^T t, one column j at a time (outputs j, 6+j, ..., 30+j).
	MOVQ    DI, DX
	TCOL512(0)
	TCOL512(64)
	TCOL512(128)
	TCOL512(192)
	TCOL512(256)
	TCOL512(320)

	ADDQ    $16, AX
	ADDQ    $256, BX
	ADDQ    $64, DI
	JMP     iblock512

idone512:
	VZEROUPPER
	RET

// LOAD6X512 loads six products (masked by K1) at CX, CX+R9, ... into
// x0..x5; CX moves past them.
#define LOAD6X512(x0, x1, x2, x3, x4, x5) \
	VMOVUPS.Z  (CX), K1, x0 \
	PREFETCHT0 128(CX)      \
	ADDQ       R9, CX       \
	VMOVUPS.Z  (CX), K1, x1 \
	PREFETCHT0 128(CX)      \
	ADDQ       R9, CX       \
	VMOVUPS.Z  (CX), K1, x2 \
	PREFETCHT0 128(CX)      \
	ADDQ       R9, CX       \
	VMOVUPS.Z  (CX), K1, x3 \
	PREFETCHT0 128(CX)      \
	ADDQ       R9, CX       \
	VMOVUPS.Z  (CX), K1, x4 \
	PREFETCHT0 128(CX)      \
	ADDQ       R9, CX       \
	VMOVUPS.Z  (CX), K1, x5 \
	PREFETCHT0 128(CX)      \
	ADDQ       R9, CX

// OZIP512 interleaves y0..y3 (columns 0..3 of 16 tiles) into their
// output row's 64 floats in Z16..Z19, each plus bias (Z28). Clobbers the
// y and Z20-Z23.
#define OZIP512(y0, y1, y2, y3) \
	VADDPS    Z28, y0, y0 \
	VADDPS    Z28, y1, y1 \
	VADDPS    Z28, y2, y2 \
	VADDPS    Z28, y3, y3 \
	VMOVAPS   Z29, Z20    \
	VPERMI2PS y2, y0, Z20 \
	VMOVAPS   Z30, Z21    \
	VPERMI2PS y2, y0, Z21 \
	VMOVAPS   Z29, Z22    \
	VPERMI2PS y3, y1, Z22 \
	VMOVAPS   Z30, Z23    \
	VPERMI2PS y3, y1, Z23 \
	VMOVAPS   Z29, Z16    \
	VPERMI2PS Z22, Z20, Z16 \
	VMOVAPS   Z30, Z17    \
	VPERMI2PS Z22, Z20, Z17 \
	VMOVAPS   Z29, Z18    \
	VPERMI2PS Z23, Z21, Z18 \
	VMOVAPS   Z30, Z19    \
	VPERMI2PS Z23, Z21, Z19

// OSTORE512 adds what the row at DX held (winoAccumulate), applies the
// ReLU (winoReLU) and stores Z16..Z19 masked by K2..K5; DX moves to the
// next row. Clobbers Z20-Z23.
#define OSTORE512 \
	TESTQ     $1, R12            \
	JEQ       9(PC)              \
	VMOVUPS.Z (DX), K2, Z20      \
	VMOVUPS.Z 64(DX), K3, Z21    \
	VMOVUPS.Z 128(DX), K4, Z22   \
	VMOVUPS.Z 192(DX), K5, Z23   \
	VADDPS    Z20, Z16, Z16      \
	VADDPS    Z21, Z17, Z17      \
	VADDPS    Z22, Z18, Z18      \
	VADDPS    Z23, Z19, Z19      \
	TESTQ     $2, R12            \
	JEQ       5(PC)              \
	VMAXPS    Z16, Z31, Z16      \
	VMAXPS    Z17, Z31, Z17      \
	VMAXPS    Z18, Z31, Z18      \
	VMAXPS    Z19, Z31, Z19      \
	VMOVUPS   Z16, K2, (DX)      \
	VMOVUPS   Z17, K3, 64(DX)    \
	VMOVUPS   Z18, K4, 128(DX)   \
	VMOVUPS   Z19, K5, 192(DX)   \
	ADDQ      R10, DX

// func winograd4OutputAVX512(m *float32, stride, tw int, bias float32, flags int, dst *float32, ld int)
TEXT ·winograd4OutputAVX512(SB), NOSPLIT, $0-56
	MOVQ         m+0(FP), SI
	MOVQ         stride+8(FP), R9
	MOVQ         tw+16(FP), R13
	MOVQ         flags+32(FP), R12
	MOVQ         dst+40(FP), DI
	MOVQ         ld+48(FP), R10
	SHLQ         $2, R9            // stride in bytes
	SHLQ         $2, R10           // row stride in bytes
	XORQ         AX, AX

oblock512:
	CMPQ    AX, R13
	JGE     odone512
	MOVQ    R13, CX
	SUBQ    AX, CX                 // tiles left
	MOVQ    $-1, R15
	MOVL    $0xffff, R11
	CMPQ    CX, $16
	JGE     omask512
	MOVL    $1, R11
	SHLL    CX, R11
	DECL    R11                    // the tiles: the low CX bits
	SHLQ    $2, CX                 // their output columns, 4..60
	MOVQ    $1, R15
	SHLQ    CX, R15
	DECQ    R15

omask512:
	KMOVW   R11, K1
	KMOVW   R15, K2                // columns 0..15 of the row's block
	SHRQ    $16, R15
	KMOVW   R15, K3
	SHRQ    $16, R15
	KMOVW   R15, K4
	SHRQ    $16, R15
	KMOVW   R15, K5

	// h = M A: row r of M (products 6r..6r+5) gives Z(4r)..Z(4r+3).
	MOVQ    SI, CX
	LOAD6X512(Z0, Z1, Z2, Z3, Z24, Z25)
	AT6F512(Z0, Z1, Z2, Z3, Z24, Z25, Z26, Z27)
	LOAD6X512(Z4, Z5, Z6, Z7, Z24, Z25)
	AT6F512(Z4, Z5, Z6, Z7, Z24, Z25, Z26, Z27)
	LOAD6X512(Z8, Z9, Z10, Z11, Z24, Z25)
	AT6F512(Z8, Z9, Z10, Z11, Z24, Z25, Z26, Z27)
	LOAD6X512(Z12, Z13, Z14, Z15, Z24, Z25)
	AT6F512(Z12, Z13, Z14, Z15, Z24, Z25, Z26, Z27)
	LOAD6X512(Z16, Z17, Z18, Z19, Z24, Z25)
	AT6F512(Z16, Z17, Z18, Z19, Z24, Z25, Z26, Z27)
	LOAD6X512(Z20, Z21, Z22, Z23, Z24, Z25)
	AT6F512(Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27)

	// Y = A^T h, column j from h[0..5][j]: Y[i][j] lands in Z(4i+j).
	AT6F512(Z0, Z4, Z8, Z12, Z16, Z20, Z26, Z27)
	AT6F512(Z1, Z5, Z9, Z13, Z17, Z21, Z26, Z27)
	AT6F512(Z2, Z6, Z10, Z14, Z18, Z22, Z26, Z27)
	AT6F512(Z3, Z7, Z11, Z15, Z19, Z23, Z26, Z27)

	VBROADCASTSS bias+24(FP), Z28
	VMOVUPS      ·zipLoLanes(SB), Z29
	VMOVUPS      ·zipHiLanes(SB), Z30
	VPXORD       Z31, Z31, Z31
	MOVQ         DI, DX
	OZIP512(Z0, Z1, Z2, Z3)
	OSTORE512
	OZIP512(Z4, Z5, Z6, Z7)
	OSTORE512
	OZIP512(Z8, Z9, Z10, Z11)
	OSTORE512
	OZIP512(Z12, Z13, Z14, Z15)
	OSTORE512

	ADDQ    $16, AX
	ADDQ    $64, SI
	ADDQ    $256, DI
	JMP     oblock512

odone512:
	VZEROUPPER
	RET

// Lane orders for VPERMPS: wino4Tiles puts 8 tiles back in order after
// the in-lane transpose of ROW4X256 (tiles 0 2 4 6 | 1 3 5 7);
// wino4Next moves each tile's value to the tile before.
DATA wino4Tiles<>+0(SB)/4, $0
DATA wino4Tiles<>+4(SB)/4, $4
DATA wino4Tiles<>+8(SB)/4, $1
DATA wino4Tiles<>+12(SB)/4, $5
DATA wino4Tiles<>+16(SB)/4, $2
DATA wino4Tiles<>+20(SB)/4, $6
DATA wino4Tiles<>+24(SB)/4, $3
DATA wino4Tiles<>+28(SB)/4, $7
GLOBL wino4Tiles<>(SB), RODATA|NOPTR, $32

DATA wino4Next<>+0(SB)/4, $1
DATA wino4Next<>+4(SB)/4, $2
DATA wino4Next<>+8(SB)/4, $3
DATA wino4Next<>+12(SB)/4, $4
DATA wino4Next<>+16(SB)/4, $5
DATA wino4Next<>+20(SB)/4, $6
DATA wino4Next<>+24(SB)/4, $7
DATA wino4Next<>+28(SB)/4, $7
GLOBL wino4Next<>(SB), RODATA|NOPTR, $32

// ROW4X256 loads row ptr's columns 4tx..4tx+5 of 8 tiles (byte offset BX)
// into Y0..Y5: a 4x4 transpose within each 128-bit lane of columns 0..31
// gives columns 0..3, and columns 4, 5 are 0, 1 one tile on (with
// columns 32, 33 for the last tile). Clobbers Y12-Y15.
#define ROW4X256(ptr) \
	VMOVUPS      (ptr)(BX*1), Y12     \
	VMOVUPS      32(ptr)(BX*1), Y13   \
	VMOVUPS      64(ptr)(BX*1), Y14   \
	VMOVUPS      96(ptr)(BX*1), Y15   \
	VUNPCKLPS    Y13, Y12, Y0         \
	VUNPCKHPS    Y13, Y12, Y1         \
	VUNPCKLPS    Y15, Y14, Y2         \
	VUNPCKHPS    Y15, Y14, Y3         \
	VSHUFPS      $0x44, Y2, Y0, Y12   \
	VSHUFPS      $0xee, Y2, Y0, Y13   \
	VSHUFPS      $0x44, Y3, Y1, Y14   \
	VSHUFPS      $0xee, Y3, Y1, Y15   \
	VMOVDQU      wino4Tiles<>(SB), Y5 \
	VPERMPS      Y12, Y5, Y0          \
	VPERMPS      Y13, Y5, Y1          \
	VPERMPS      Y14, Y5, Y2          \
	VPERMPS      Y15, Y5, Y3          \
	VMOVDQU      wino4Next<>(SB), Y5  \
	VPERMPS      Y0, Y5, Y4           \
	VPERMPS      Y1, Y5, Y5           \
	VBROADCASTSS 128(ptr)(BX*1), Y12  \
	VBLENDPS     $0x80, Y12, Y4, Y4   \
	VBROADCASTSS 132(ptr)(BX*1), Y13  \
	VBLENDPS     $0x80, Y13, Y5, Y5

// STORE6X256F stores Y6..Y11 at the frame's byte offsets off, off+32,
// ... (one row of t = d B).
#define STORE6X256F(off) \
	VMOVUPS Y6, off(SP)      \
	VMOVUPS Y7, off+32(SP)   \
	VMOVUPS Y8, off+64(SP)   \
	VMOVUPS Y9, off+96(SP)   \
	VMOVUPS Y10, off+128(SP) \
	VMOVUPS Y11, off+160(SP)

// TCOL256 loads column j of t (frame offset off = 32j) into Y0..Y5 and
// transforms it into Y6..Y11.
#define TCOL256(off) \
	VMOVUPS off(SP), Y0                                           \
	VMOVUPS off+192(SP), Y1                                       \
	VMOVUPS off+384(SP), Y2                                       \
	VMOVUPS off+576(SP), Y3                                       \
	VMOVUPS off+768(SP), Y4                                       \
	VMOVUPS off+960(SP), Y5                                       \
	BT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)

// STORE6X256 stores Y6..Y11 at DX, DX+R10, ... (outputs j, 6+j, ...,
// 30+j); DX moves on to column j+1. A block of fewer than 8 tiles (R14)
// stores only those (VMASKMOVPS, mask Y15). Clobbers CX.
#define STORE6X256 \
	MOVQ       DX, CX         \
	CMPQ       R14, $8        \
	JLT        19(PC)         \
	VMOVUPS    Y6, (CX)       \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMOVUPS    Y7, (CX)       \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMOVUPS    Y8, (CX)       \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMOVUPS    Y9, (CX)       \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMOVUPS    Y10, (CX)      \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMOVUPS    Y11, (CX)      \
	PREFETCHT0 128(CX)        \
	JMP        18(PC)         \
	VMASKMOVPS Y6, Y15, (CX)  \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMASKMOVPS Y7, Y15, (CX)  \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMASKMOVPS Y8, Y15, (CX)  \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMASKMOVPS Y9, Y15, (CX)  \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMASKMOVPS Y10, Y15, (CX) \
	PREFETCHT0 128(CX)        \
	ADDQ       R10, CX        \
	VMASKMOVPS Y11, Y15, (CX) \
	PREFETCHT0 128(CX)        \
	ADDQ       R9, DX

// func winograd4InputAVX2(rows *float32, pw, tw int, out *float32, stride int)
// The frame holds t = d B of one block, t[r][j] at byte offset 32(6r+j).
// The last block, of fewer than 8 tiles, stores its outputs with
// VMASKMOVPS (whole stores elsewhere: faster on some cores); the rows'
// padding (Winograd4RowWidth) covers its loads.
TEXT ·winograd4InputAVX2(SB), $1152-40
	MOVQ rows+0(FP), SI
	MOVQ pw+8(FP), R8
	MOVQ tw+16(FP), R13
	MOVQ out+24(FP), DI
	MOVQ stride+32(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	SHLQ $1, R10                   // 6 strides
	XORQ AX, AX                    // first tile of the block
	XORQ BX, BX                    // its byte offset in a row: 16 per tile

iblock256:
	CMPQ AX, R13
	JGE  idone256
	MOVQ SI, R11
	ROW4X256(R11)
	BT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)
	STORE6X256F(0)
	ADDQ R8, R11
	ROW4X256(R11)
	BT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)
	STORE6X256F(192)
	ADDQ R8, R11
	ROW4X256(R11)
	BT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)
	STORE6X256F(384)
	ADDQ R8, R11
	ROW4X256(R11)
	BT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)
	STORE6X256F(576)
	ADDQ R8, R11
	ROW4X256(R11)
	BT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)
	STORE6X256F(768)
	ADDQ R8, R11
	ROW4X256(R11)
	BT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)
	STORE6X256F(960)

	// out = B^T t, one column j at a time.
	MOVQ    R13, R14
	SUBQ    AX, R14                // tiles left
	CMPQ    R14, $8
	JGE     icols256
	LEAQ    (R14*4), CX
	LEAQ    ·winoMask+128(SB), R15
	SUBQ    CX, R15
	VMOVDQU (R15), Y15             // the first R14 lanes

icols256:
	MOVQ    DI, DX
	TCOL256(0)
	STORE6X256
	TCOL256(32)
	STORE6X256
	TCOL256(64)
	STORE6X256
	TCOL256(96)
	STORE6X256
	TCOL256(128)
	STORE6X256
	TCOL256(160)
	STORE6X256

	ADDQ $8, AX
	ADDQ $128, BX
	ADDQ $32, DI
	JMP  iblock256

idone256:
	VZEROUPPER
	RET

// OZIP4X256 adds the bias (Y12) to row i's values y0..y3 (8 tiles each)
// and interleaves them into the row's 32 floats in Y8..Y11. Clobbers
// y0..y3 and Y4-Y7.
#define OZIP4X256(y0, y1, y2, y3) \
	VADDPS     Y12, y0, y0        \
	VADDPS     Y12, y1, y1        \
	VADDPS     Y12, y2, y2        \
	VADDPS     Y12, y3, y3        \
	VUNPCKLPS  y1, y0, Y4         \
	VUNPCKHPS  y1, y0, Y5         \
	VUNPCKLPS  y3, y2, Y6         \
	VUNPCKHPS  y3, y2, Y7         \
	VSHUFPS    $0x44, Y6, Y4, y0  \
	VSHUFPS    $0xee, Y6, Y4, y1  \
	VSHUFPS    $0x44, Y7, Y5, y2  \
	VSHUFPS    $0xee, Y7, Y5, y3  \
	VPERM2F128 $0x20, y1, y0, Y8  \
	VPERM2F128 $0x20, y3, y2, Y9  \
	VPERM2F128 $0x31, y1, y0, Y10 \
	VPERM2F128 $0x31, y3, y2, Y11

// OROW4X256 finishes row i (OZIP4X256), adds what the row's 32 floats at
// DX held (winoAccumulate), applies the ReLU (winoReLU, Y13 zero) and
// stores; DX moves to the next row. The masks of the row's four vectors
// are at R14: whole vectors are stored unless the block has fewer than 8
// tiles (R11). Clobbers Y14, Y15.
#define OROW4X256(y0, y1, y2, y3) \
	OZIP4X256(y0, y1, y2, y3)   \
	TESTQ      $1, R12          \
	JEQ        13(PC)           \
	VMOVDQU    (R14), Y14       \
	VMASKMOVPS (DX), Y14, Y15   \
	VADDPS     Y15, Y8, Y8      \
	VMOVDQU    32(R14), Y14     \
	VMASKMOVPS 32(DX), Y14, Y15 \
	VADDPS     Y15, Y9, Y9      \
	VMOVDQU    64(R14), Y14     \
	VMASKMOVPS 64(DX), Y14, Y15 \
	VADDPS     Y15, Y10, Y10    \
	VMOVDQU    96(R14), Y14     \
	VMASKMOVPS 96(DX), Y14, Y15 \
	VADDPS     Y15, Y11, Y11    \
	TESTQ      $2, R12          \
	JEQ        5(PC)            \
	VMAXPS     Y8, Y13, Y8      \
	VMAXPS     Y9, Y13, Y9      \
	VMAXPS     Y10, Y13, Y10    \
	VMAXPS     Y11, Y13, Y11    \
	CMPQ       R11, $8          \
	JLT        6(PC)            \
	VMOVUPS    Y8, (DX)         \
	VMOVUPS    Y9, 32(DX)       \
	VMOVUPS    Y10, 64(DX)      \
	VMOVUPS    Y11, 96(DX)      \
	JMP        9(PC)            \
	VMOVDQU    (R14), Y14       \
	VMASKMOVPS Y8, Y14, (DX)    \
	VMOVDQU    32(R14), Y14     \
	VMASKMOVPS Y9, Y14, 32(DX)  \
	VMOVDQU    64(R14), Y14     \
	VMASKMOVPS Y10, Y14, 64(DX) \
	VMOVDQU    96(R14), Y14     \
	VMASKMOVPS Y11, Y14, 96(DX) \
	ADDQ       R10, DX

// HLOAD256 loads h[0..5][j] from the frame, at byte offset off of row 0.
#define HLOAD256(off) \
	VMOVUPS off(SP), Y0     \
	VMOVUPS off+128(SP), Y1 \
	VMOVUPS off+256(SP), Y2 \
	VMOVUPS off+384(SP), Y3 \
	VMOVUPS off+512(SP), Y4 \
	VMOVUPS off+640(SP), Y5

// HSTORE256 stores Y0..Y3 (Y[0..3][j]) over h[0..3][j] in the frame.
#define HSTORE256(off) \
	VMOVUPS Y0, off(SP)     \
	VMOVUPS Y1, off+128(SP) \
	VMOVUPS Y2, off+256(SP) \
	VMOVUPS Y3, off+384(SP)

// HROW256 computes h[r] = (M A)[r] from row r of M in Y0..Y5 and stores
// it in the frame at byte offset off (h[r][k] at off + 32k).
#define HROW256(off) \
	AT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7) \
	VMOVUPS Y0, off(SP)                 \
	VMOVUPS Y1, off+32(SP)              \
	VMOVUPS Y2, off+64(SP)              \
	VMOVUPS Y3, off+96(SP)

// MROW256 loads row r of M (six products at CX, CX+R9, ...; CX moves
// past them; the block's tiles only, mask Y15: nothing past the products
// is read) and computes h[r] (HROW256).
#define MROW256(off) \
	VMASKMOVPS (CX), Y15, Y0 \
	PREFETCHT0 128(CX)       \
	ADDQ       R9, CX        \
	VMASKMOVPS (CX), Y15, Y1 \
	PREFETCHT0 128(CX)       \
	ADDQ       R9, CX        \
	VMASKMOVPS (CX), Y15, Y2 \
	PREFETCHT0 128(CX)       \
	ADDQ       R9, CX        \
	VMASKMOVPS (CX), Y15, Y3 \
	PREFETCHT0 128(CX)       \
	ADDQ       R9, CX        \
	VMASKMOVPS (CX), Y15, Y4 \
	PREFETCHT0 128(CX)       \
	ADDQ       R9, CX        \
	VMASKMOVPS (CX), Y15, Y5 \
	PREFETCHT0 128(CX)       \
	ADDQ       R9, CX        \
	HROW256(off)

// YCOLS256 turns h in the frame into Y = A^T h, row i of Y at frame
// offset 128i.
#define YCOLS256 \
	HLOAD256(0)                         \
	AT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7) \
	HSTORE256(0)                        \
	HLOAD256(32)                        \
	AT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7) \
	HSTORE256(32)                       \
	HLOAD256(64)                        \
	AT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7) \
	HSTORE256(64)                       \
	HLOAD256(96)                        \
	AT6(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7) \
	HSTORE256(96)

// YROW256 loads row i of Y (frame offset off = 128i) into Y0..Y3.
#define YROW256(off) \
	VMOVUPS off(SP), Y0    \
	VMOVUPS off+32(SP), Y1 \
	VMOVUPS off+64(SP), Y2 \
	VMOVUPS off+96(SP), Y3

// func winograd4OutputAVX2(m *float32, stride, tw int, bias float32, flags int, dst *float32, ld int)
// The frame holds h = M A, 6 rows of 4 vectors. Loads are VMASKMOVPS (all
// lanes but in the last block, of fewer than 8 tiles), and so are the
// last block's stores.
TEXT ·winograd4OutputAVX2(SB), $768-56
	MOVQ         m+0(FP), SI
	MOVQ         stride+8(FP), R9
	MOVQ         tw+16(FP), R13
	VBROADCASTSS bias+24(FP), Y12
	MOVQ         flags+32(FP), R12
	MOVQ         dst+40(FP), DI
	MOVQ         ld+48(FP), R10
	SHLQ         $2, R9
	SHLQ         $2, R10
	VXORPS       Y13, Y13, Y13

oblock256:
	MOVQ    R13, R11               // tiles left
	CMPQ    R11, $0
	JLE     odone256
	CMPQ    R11, $8
	JLE     omask256
	MOVQ    $8, R11                // tiles in this block

omask256:
	LEAQ    (R11*4), CX
	LEAQ    ·winoMask+128(SB), R15
	SUBQ    CX, R15
	VMOVDQU (R15), Y15             // the tiles
	SHLQ    $2, CX
	LEAQ    ·winoMask+128(SB), R14
	SUBQ    CX, R14                // their output columns' masks
	MOVQ    SI, CX
	MROW256(0)
	MROW256(128)
	MROW256(256)
	MROW256(384)
	MROW256(512)
	MROW256(640)
	YCOLS256
	MOVQ    DI, DX
	YROW256(0)
	OROW4X256(Y0, Y1, Y2, Y3)
	YROW256(128)
	OROW4X256(Y0, Y1, Y2, Y3)
	YROW256(256)
	OROW4X256(Y0, Y1, Y2, Y3)
	YROW256(384)
	OROW4X256(Y0, Y1, Y2, Y3)

	SUBQ    $8, R13
	ADDQ    $32, SI
	ADDQ    $128, DI
	JMP     oblock256

odone256:
	VZEROUPPER
	RET
