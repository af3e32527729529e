//go:build !purego

#include "textflag.h"

// The F(4x4, 3x3) transforms (kernels/winograd4.go): tiles are the
// vector lanes, and every 4x multiply is two doublings (exact, like the
// reference's multiply).

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
	VMOVUPS Z6, K1, (ptr)  \
	ADDQ    step, ptr      \
	VMOVUPS Z7, K1, (ptr)  \
	ADDQ    step, ptr      \
	VMOVUPS Z8, K1, (ptr)  \
	ADDQ    step, ptr      \
	VMOVUPS Z9, K1, (ptr)  \
	ADDQ    step, ptr      \
	VMOVUPS Z10, K1, (ptr) \
	ADDQ    step, ptr      \
	VMOVUPS Z11, K1, (ptr)

// func winograd4InputAVX512(rows *float32, pw, tw int, out *float32, stride int)
TEXT ·winograd4InputAVX512(SB), NOSPLIT, $0-40
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

	// t = d B: row r's six values go to outputs 6r..6r+5.
	MOVQ    SI, R11
	MOVQ    DI, DX
	MOVQ    $6, R12

irow512:
	ROW4X512(R11)
	BT6(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	MOVQ    DX, CX
	STORE6X512(CX, R9)
	LEAQ    (DX)(R10*1), DX
	ADDQ    R8, R11
	DECQ    R12
	JNE     irow512

	// out = B^T t, one column j at a time (outputs j, 6+j, ..., 30+j).
	MOVQ    DI, DX
	MOVQ    $6, R12

icol512:
	MOVQ      DX, CX
	VMOVUPS.Z (CX), K1, Z0
	ADDQ      R10, CX
	VMOVUPS.Z (CX), K1, Z1
	ADDQ      R10, CX
	VMOVUPS.Z (CX), K1, Z2
	ADDQ      R10, CX
	VMOVUPS.Z (CX), K1, Z3
	ADDQ      R10, CX
	VMOVUPS.Z (CX), K1, Z4
	ADDQ      R10, CX
	VMOVUPS.Z (CX), K1, Z5
	BT6(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13)
	MOVQ      DX, CX
	STORE6X512(CX, R10)
	ADDQ      R9, DX
	DECQ      R12
	JNE       icol512

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
	VMOVUPS.Z (CX), K1, x0 \
	ADDQ      R9, CX       \
	VMOVUPS.Z (CX), K1, x1 \
	ADDQ      R9, CX       \
	VMOVUPS.Z (CX), K1, x2 \
	ADDQ      R9, CX       \
	VMOVUPS.Z (CX), K1, x3 \
	ADDQ      R9, CX       \
	VMOVUPS.Z (CX), K1, x4 \
	ADDQ      R9, CX       \
	VMOVUPS.Z (CX), K1, x5 \
	ADDQ      R9, CX

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
	AT6(Z0, Z1, Z2, Z3, Z24, Z25, Z26, Z27)
	LOAD6X512(Z4, Z5, Z6, Z7, Z24, Z25)
	AT6(Z4, Z5, Z6, Z7, Z24, Z25, Z26, Z27)
	LOAD6X512(Z8, Z9, Z10, Z11, Z24, Z25)
	AT6(Z8, Z9, Z10, Z11, Z24, Z25, Z26, Z27)
	LOAD6X512(Z12, Z13, Z14, Z15, Z24, Z25)
	AT6(Z12, Z13, Z14, Z15, Z24, Z25, Z26, Z27)
	LOAD6X512(Z16, Z17, Z18, Z19, Z24, Z25)
	AT6(Z16, Z17, Z18, Z19, Z24, Z25, Z26, Z27)
	LOAD6X512(Z20, Z21, Z22, Z23, Z24, Z25)
	AT6(Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27)

	// Y = A^T h, column j from h[0..5][j]: Y[i][j] lands in Z(4i+j).
	AT6(Z0, Z4, Z8, Z12, Z16, Z20, Z26, Z27)
	AT6(Z1, Z5, Z9, Z13, Z17, Z21, Z26, Z27)
	AT6(Z2, Z6, Z10, Z14, Z18, Z22, Z26, Z27)
	AT6(Z3, Z7, Z11, Z15, Z19, Z23, Z26, Z27)

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
